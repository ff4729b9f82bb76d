// The path a probe actually took through a lab (never from a drawing): a
// ping's hops captured in the namespaces it can cross, and — for a ping, a
// TCP connection or a UDP datagram — why each hop went where it went, read
// from the kernel while the probe ran (its route lookup, neighbour and fdb
// entry, the netfilter rules it traversed and the NAT conntrack applied).

/** What `podnet path` sends: one ping, one TCP connection attempt (SYN), or one UDP datagram. */
export type PathProtocol = 'icmp' | 'tcp' | 'udp';

export interface PathHop {
  /** Where: `host1`, `host1/a` (a pod), `underlay` (the lab's switch), `internet`. */
  node: string;
  /** The interface the packet was seen on, and its kind (veth, bridge, vxlan, device…). */
  iface: string;
  ifaceKind: string | null;
  direction: 'in' | 'out';
  /** Nanoseconds after the first hop of this leg; null where the hop was not captured but traced (no clock, ordered by causality). */
  offsetNs: number | null;
  /** The packet as it looked there (for a tunnel: the packet inside it). */
  packet: { src: string; dst: string; protocol: string; info: string };
  /** When the packet travelled inside VXLAN at this hop: the outer UDP packet. */
  tunnel: { src: string; dst: string; port: number; vni: number } | null;
  /** What happened here, when something did: encapsulate, decapsulate, source rewritten… */
  note: string | null;
}

export interface PathLeg {
  hops: PathHop[];
  /** The packet arrived where it was going. */
  reached: boolean;
  /** The last place the packet was seen (null: it was never seen at all). */
  lastSeen: PathHop | null;
  /** Why it went no further, when it did not arrive (from the observed state). */
  reason: string | null;
}

/** One netfilter rule (or a base chain's policy) the packet met in a namespace, in the order it met them. */
export interface PathRuleStep {
  table: string;
  chain: string;
  /** `rule`: a rule matched; `policy`: no rule decided, the chain's policy did. */
  kind: 'rule' | 'policy';
  /** As `iptables-save` prints it (`-A FORWARD -d 10.2.3.10/32 -j DROP`), or as nft prints it for native nft tables; null when unknown. */
  rule: string | null;
  syntax: 'iptables' | 'nft' | null;
  /** The rule's position in its chain (1 = first), as `iptables -L --line-numbers` counts; null for nft's or a policy. */
  position: number | null;
  verdict: 'continue' | 'accept' | 'drop' | 'reject' | 'jump' | 'goto' | 'return' | 'queue' | 'stolen';
}

/** Why one namespace sent the packet on (or stopped it): one leg's view of it. */
export interface PathHopWhy {
  node: string;
  leg: 'request' | 'reply';
  /** The packet as netfilter first saw it here (`tcp 10.2.1.2:23456 → 10.2.3.10:80 [syn]`); null when it never got here. */
  packet: string | null;
  /** The interfaces it came in by and left by (null: made here / delivered here). */
  iif: string | null;
  oif: string | null;
  /** The route lookup's answer, a line each: `route: …`, `neighbour: …`, `fdb: …`, or what is missing. */
  route: string[];
  /** What the route lookup found missing: no route, no neighbour, no fdb entry. */
  missing: 'route' | 'neighbour' | 'fdb' | null;
  rules: PathRuleStep[];
  /** What netfilter did with it here. */
  fate: 'passed' | 'dropped' | 'rejected';
  /** What connection tracking translated here (`10.2.3.10:2345 → 192.168.100.1:8080 became 10.2.3.10:2345 → 10.2.1.2:80`), when NAT happened. */
  nat: string | null;
  /** Every line of it, as the CLI prints it under the hop and the panel when the hop is opened. */
  lines: string[];
}

/** Where the probe stopped, and what stopped it. */
export interface PathStop {
  node: string;
  leg: 'request' | 'reply';
  /** A rule that dropped or rejected it, or a missing route / neighbour / fdb entry. */
  kind: 'rule' | 'route' | 'neighbour' | 'fdb';
  /** The rule, when a rule stopped it. */
  rule: PathRuleStep | null;
  /** `dropped by filter FORWARD rule 1: -A FORWARD -d 10.2.3.10/32 -j DROP`. */
  text: string;
  /** kube-router's REJECT: the pod a NetworkPolicy isolates, in which direction, and the isolating policies (`namespace/name`). */
  netpol?: { pod: string; direction: 'ingress' | 'egress'; policies: string[] };
}

export interface PathTrace {
  protocol: PathProtocol;
  /** tcp/udp: the destination port; null for icmp. */
  port: number | null;
  /** The traced flow as the probe sent it: `tcp 10.2.1.2:23456 → 192.168.100.2:8080`. */
  flow: string;
  /** The other side answered (echo reply, SYN-ACK, a UDP datagram). */
  answered: boolean;
  /** What the probe's tool said (its error when it failed). */
  said: string;
  /** Per namespace and leg, in the order the packet crossed them (by causality: sent here, received there). */
  hops: PathHopWhy[];
  stop: PathStop | null;
  /** The namespaces traced; their rules are as they were before (every trace mark removed). */
  traced: string[];
  cleanup: { verified: boolean; changes: string[] };
  /** What could not be traced (a namespace without nft, …); the rest of the trace stands. */
  errors: string[];
}

export interface PacketPath {
  lab: string;
  from: string;
  to: string;
  protocol: PathProtocol;
  /** tcp/udp: the destination port. */
  port: number | null;
  /** The addresses the ping used. */
  source: string | null;
  destination: string;
  /** The probe got its answer (an echo reply, a SYN-ACK, a UDP datagram). */
  ok: boolean;
  request: PathLeg;
  reply: PathLeg;
  /** Nodes that were captured on (a ping) or traced. */
  observed: string[];
  /** Why each hop went where it went; null when nothing could be traced. */
  trace: PathTrace | null;
}
