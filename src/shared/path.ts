// The path a ping actually took through a lab, derived from captures on
// every namespace of the lab while the ping ran (never from a drawing).

export interface PathHop {
  /** Where: `host1`, `host1/a` (a pod), `underlay` (the lab's switch), `internet`. */
  node: string;
  /** The interface the packet was seen on, and its kind (veth, bridge, vxlan, device…). */
  iface: string;
  ifaceKind: string | null;
  direction: 'in' | 'out';
  /** Nanoseconds after the first hop of this leg. */
  offsetNs: number;
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

export interface PacketPath {
  lab: string;
  from: string;
  to: string;
  /** The addresses the ping used. */
  source: string | null;
  destination: string;
  /** The ping got its reply. */
  ok: boolean;
  request: PathLeg;
  reply: PathLeg;
  /** Nodes that were captured on. */
  observed: string[];
}
