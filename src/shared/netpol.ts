// NetworkPolicy as OBSERVED on one host: kube-router's filter chains and ipsets
// read back from `iptables-save` and `ipset save` (never from the plan).
// Types only; produced by engine/observe/parse-netpol.ts.

export type NetpolDirection = 'ingress' | 'egress';

/** An ipset as `ipset save` prints it. */
export interface IpsetObserved {
  name: string;
  /** hash:ip, hash:net, … */
  type: string;
  members: { value: string; nomatch: boolean }[];
}

/** Who a rule lets in (ingress) or out to (egress). */
export type NetpolPeerObserved =
  | { kind: 'any' }
  /** A hash:ip set of pod addresses. */
  | { kind: 'pods'; set: string; ips: string[] }
  /** A hash:net set: ipBlock CIDRs and their `except` (nomatch) entries. */
  | { kind: 'cidrs'; set: string; cidrs: string[]; except: string[] }
  /** The rule names a set the host does not have (it matches nothing). */
  | { kind: 'missing-set'; set: string };

/** One allowance of a policy chain: its `MARK --set-xmark 0x10000/0x10000` rule. */
export interface NetpolAllowObserved {
  direction: NetpolDirection;
  /** Addresses of the policy's own pods (its target set), which this rule protects. */
  targets: string[];
  peer: NetpolPeerObserved;
  /** tcp, udp, sctp; null: every protocol. */
  protocol: string | null;
  /** `8080` or a range `8000:8080`; null: every port. */
  port: string | null;
  /** The rule as iptables-save prints it (without counters). */
  rule: string;
}

export interface NetpolPolicyObserved {
  /** From the rules' comments or the lab's names; null when nothing on the host says. */
  namespace: string | null;
  name: string | null;
  /** KUBE-NWPLCY-… */
  chain: string;
  allows: NetpolAllowObserved[];
}

/** A local pod with its firewall chain. */
export interface NetpolPodObserved {
  namespace: string | null;
  name: string | null;
  ip: string;
  /** KUBE-POD-FW-… */
  chain: string;
  /** Unmatched ingress is rejected: no default-ingress jump, and the chain REJECTs. */
  isolatedIngress: boolean;
  isolatedEgress: boolean;
  /** The policy chains the pod's chain runs, and for which direction (both: no -s/-d on the jump). */
  policies: { chain: string; direction: NetpolDirection | 'both' }[];
  /** The chain's REJECT of unmarked packets (NFLOG group 100 logs them first); null when gone. */
  reject: string | null;
}

export interface NetpolObserved {
  /** kube-router's jumps from INPUT/FORWARD/OUTPUT are in place. */
  enforced: boolean;
  pods: NetpolPodObserved[];
  policies: NetpolPolicyObserved[];
  /** kube-router's sets only (KUBE-SRC-, KUBE-DST-, kube-router-local-pods). */
  ipsets: IpsetObserved[];
  /** The chains kube-router owns on the host. */
  chains: string[];
}

/** Why a packet passes or not, read from the observed rules (for the path panel). */
export interface NetpolExplanation {
  allowed: boolean;
  steps: NetpolExplanationStep[];
}

export interface NetpolExplanationStep {
  /** The local pod whose chain judged the packet. */
  pod: { namespace: string | null; name: string | null; ip: string; chain: string };
  direction: NetpolDirection;
  verdict: 'not-isolated' | 'allowed' | 'icmp' | 'rejected';
  /** The allowing rule's policy and line; for `rejected`, the REJECT rule. */
  policy: { namespace: string | null; name: string | null; chain: string } | null;
  rule: string | null;
}
