// What a host holds once its plan ran, as data: each network feature says
// what it creates (plan/network-feature.ts), the readiness check
// (ready-check.ts) compares it with the state read back from the host, and a
// change to a running lab will compare two plans' expectations.
import type { IptablesTables } from '../../shared/snapshot';

export type Expectation =
  /** An address on a link of the host's own namespace (`cni0` has 10.2.1.1/24). */
  | { kind: 'address'; dev: string; address: string; prefixLen: number }
  /** A pod's eth0 address. */
  | { kind: 'pod-address'; pod: string; ip: string }
  /** A VXLAN device with this VNI and MTU. */
  | { kind: 'vxlan-device'; dev: string; vni: number; mtu: number }
  /** An fdb entry sending a peer's VTEP MAC to its underlay address. */
  | { kind: 'fdb'; dev: string; mac: string; dst: string; peer: string }
  /** A route to `dst` in the host's main table; `what` says what it leads to (`host2's lease`). */
  | { kind: 'route'; dst: string; what: string }
  /** A user chain of iptables (nat or filter, the tables the observer reads). */
  | { kind: 'chain'; table: keyof IptablesTables; chain: string }
  /** A Service in kube-proxy's rules on the host, read back (HostState.services), with this many endpoints over its ports. */
  | { kind: 'kube-service'; mode: 'iptables' | 'nftables'; service: string; endpoints: number }
  /**
   * kube-router's NetworkPolicy rules read back (HostState.netpol): its jumps in place, a chain for each
   * of the cluster's `policies`, and each local pod's firewall chain isolating it in exactly these directions.
   */
  | { kind: 'netpol'; policies: number; pods: { pod: string; ip: string; ingress: boolean; egress: boolean }[] };
