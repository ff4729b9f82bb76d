// The OBSERVED state of a lab, read from its hosts (never from the plan).
// Consumers replace their copy wholesale when `revision` rises.
import type { NetpolObserved } from './netpol';
import type { ObservedServices } from './services';

export interface IfaceAddress {
  family: 'inet' | 'inet6';
  address: string;
  prefixLen: number;
  scope?: string;
}

export interface VxlanAttrs {
  id: number;
  port: number | null;
  local: string | null;
  dev: string | null;
  learning: boolean;
}

export interface IfaceStats {
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
  rxDropped: number;
  txDropped: number;
}

export interface Iface {
  index: number;
  name: string;
  /** veth | bridge | vxlan | dummy | loopback | device | … (`linkinfo.info_kind`, or the link type). */
  kind: string;
  mac: string | null;
  mtu: number;
  /** operstate as the kernel reports it: UP, DOWN, UNKNOWN, LOWERLAYERDOWN… */
  state: string;
  /** true when the admin flag UP is set. */
  up: boolean;
  addresses: IfaceAddress[];
  master: string | null;
  /** For a veth: ifindex of its peer (in another namespace when `peerNetnsId` is set). */
  peerIndex: number | null;
  peerNetnsId: number | null;
  vxlan: VxlanAttrs | null;
  stats: IfaceStats | null;
}

export interface Route {
  dst: string; // "default" or CIDR / address
  gateway: string | null;
  dev: string | null;
  protocol: string | null;
  scope: string | null;
  prefsrc: string | null;
  flags: string[];
  table?: string;
}

export interface Neighbour {
  dst: string;
  dev: string;
  lladdr: string | null;
  state: string[];
}

export interface FdbEntry {
  mac: string;
  dev: string;
  dst: string | null;
  master: string | null;
  flags: string[];
  state: string | null;
}

export interface IptablesTables {
  /** Lines of `iptables-save` for the table, without counters and comments. */
  nat: string[];
  filter: string[];
}

export interface NetnsState {
  interfaces: Iface[];
  routes: Route[];
  neighbours: Neighbour[];
}

export interface PodState extends NetnsState {
  name: string;
  /** The pod's eth0 IPv4 address, if it has one. */
  ip: string | null;
}

export interface HostState extends NetnsState {
  name: string;
  role: 'host' | 'internet';
  /** false when the host could not be read (stopped container, dropped connection). */
  reachable: boolean;
  error: string | null;
  fdb: FdbEntry[];
  iptables: IptablesTables;
  /** Underlay IPv4 address (eth0 or the configured underlay interface). */
  underlayIp: string | null;
  pods: PodState[];
  /**
   * Kubernetes Services as this host's kube-proxy rules implement them
   * (parsed back from iptables-save or the `ip kube-proxy` nft table).
   * Null or absent: kube-proxy is off in the lab, or the host could not be read.
   */
  services?: ObservedServices | null;
  /**
   * NetworkPolicy as this host's kube-router rules enforce it (parsed back from
   * iptables-save's filter table and `ipset save`). Null or absent: no
   * kube-router rules on the host, or the host could not be read.
   */
  netpol?: NetpolObserved | null;
}

export interface Snapshot {
  name: string;
  revision: number;
  takenAt: string;
  hosts: HostState[];
  internet: HostState | null;
}
