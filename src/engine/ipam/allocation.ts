// What IPAM hands out for a lab: the input of the plan.

export interface PodAllocation {
  name: string;
  ip: string;
  prefixLen: number;
  gateway: string;
  /** Host end of the pod's veth pair. */
  vethHost: string;
  mtu: number;
  serve: number | null;
}

export interface BridgeAllocation {
  /** docker0 or cni0 (prefixed on real machines). */
  name: string;
  ip: string;
  prefixLen: number;
  subnet: string;
  mtu: number;
}

export interface HostAllocation {
  name: string;
  underlayIp: string;
  /** Underlay interface name on the host (eth0 in containers). */
  underlayDev: string;
  bridge: BridgeAllocation;
  /** pod-cidr mode: the host's lease (flannel subnet). */
  lease: string | null;
  /** vxlan backend: MAC of flannel.<vni>. */
  vtepMac: string | null;
  pods: PodAllocation[];
}

/** pod-cidr mode: what flannel would hand out and configure. */
export interface FlannelAllocation {
  network: string;
  subnetLen: number;
  /** `none`: leases and subnet.env only, no overlay (the bare Kubernetes model). */
  backend: 'none' | 'vxlan' | 'host-gw';
  mtu: number;
  vni: number;
  port: number;
  device: string;
  ipMasq: boolean;
}

export interface Allocation {
  lab: string;
  underlay: { subnet: string | null; mtu: number };
  internet: { underlayIp: string; address: string; net: string } | null;
  hosts: HostAllocation[];
  flannel: FlannelAllocation | null;
}
