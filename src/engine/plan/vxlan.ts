// flannel's vxlan backend, reproduced exactly (pkg/backend/vxlan; docs/networking.md §5.4):
// device flannel.<VNI>, nolearning, local <PublicIP> dev eth0, MTU underlay−50,
// the lease's network address as /32, and for every other node's lease a
// permanent neighbour, a permanent fdb entry and an onlink route.
import type { FlannelAllocation, HostAllocation } from '../ipam/allocation';
import { cmd, type Step } from './step';

export function vxlanDeviceSteps(self: HostAllocation, flannel: FlannelAllocation): Step[] {
  const dev = flannel.device;
  const leaseNet = self.lease!.split('/')[0]!;
  return [
    cmd('ip', 'link', 'add', dev, 'address', self.vtepMac!, 'mtu', flannel.mtu, 'type', 'vxlan', 'id', flannel.vni, 'local', self.underlayIp, 'dev', self.underlayDev, 'dstport', flannel.port, 'nolearning'),
    cmd('ip', 'addr', 'add', `${leaseNet}/32`, 'dev', dev),
    cmd('ip', 'link', 'set', dev, 'up'),
  ];
}

/**
 * Peer entries. Every peer gets its neighbour before its fdb entry before its
 * route, as flanneld programs them; the steps are grouped by kind so a host's
 * whole mesh goes in three batches.
 */
export function vxlanPeerSteps(self: HostAllocation, peers: HostAllocation[], flannel: FlannelAllocation): Step[] {
  const dev = flannel.device;
  const others = peers.filter((p) => p.name !== self.name && p.lease && p.vtepMac);
  const gw = (p: HostAllocation) => p.lease!.split('/')[0]!;
  return [
    ...others.map((p) => cmd('ip', 'neigh', 'replace', gw(p), 'lladdr', p.vtepMac!, 'dev', dev, 'nud', 'permanent')),
    ...others.map((p) => cmd('bridge', 'fdb', 'replace', p.vtepMac!, 'dev', dev, 'dst', p.underlayIp, 'self', 'permanent')),
    ...others.map((p) => cmd('ip', 'route', 'replace', p.lease!, 'via', gw(p), 'dev', dev, 'onlink')),
  ];
}
