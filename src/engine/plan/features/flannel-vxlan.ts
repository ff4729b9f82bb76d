// flannel's vxlan backend: flannel.<VNI>, a neighbour, fdb entry and onlink
// route per peer (vxlan.ts), and flannel's forward rules (flannel-iptables.ts);
// docs/networking.md §5.4, §5.6.
import type { Expectation } from '../expected-state';
import { flannelForwardSteps } from '../flannel-iptables';
import type { NetworkFeature } from '../network-feature';
import { vxlanDeviceSteps, vxlanPeerSteps } from '../vxlan';
import { flannelOf, leasedPeers, peerRouteExpectations } from './flannel';

export const flannelVxlan: NetworkFeature = {
  name: 'flannel-vxlan',
  applies: (spec) => spec.network.mode === 'pod-cidr' && spec.network.backend === 'vxlan',
  hostSteps: (input) => {
    const f = flannelOf(input);
    if (!f) return {};
    const { allocation, host, names } = input;
    return { overlay: [...vxlanDeviceSteps(host, f.flannel), ...vxlanPeerSteps(host, allocation.hosts, f.flannel), ...flannelForwardSteps(f.flannel.network, names)] };
  },
  expected: (input) => {
    const f = flannelOf(input);
    if (!f) return [];
    const dev = f.flannel.device;
    return [
      { kind: 'vxlan-device', dev, vni: f.flannel.vni, mtu: f.flannel.mtu },
      ...leasedPeers(input).map((p): Expectation => ({ kind: 'fdb', dev, mac: p.vtepMac!, dst: p.underlayIp, peer: p.name })),
      ...peerRouteExpectations(input),
      { kind: 'chain', table: 'filter', chain: input.names.chain('FLANNEL-FWD') },
    ];
  },
};
