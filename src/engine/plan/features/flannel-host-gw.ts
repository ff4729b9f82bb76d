// flannel's host-gw backend: a route per peer's lease via its underlay
// address (host-gw.ts), and flannel's forward rules (flannel-iptables.ts);
// docs/networking.md §5.5, §5.6.
import { flannelForwardSteps } from '../flannel-iptables';
import { hostGwSteps } from '../host-gw';
import type { NetworkFeature } from '../network-feature';
import { flannelOf, peerRouteExpectations } from './flannel';

export const flannelHostGw: NetworkFeature = {
  name: 'flannel-host-gw',
  applies: (spec) => spec.network.mode === 'pod-cidr' && spec.network.backend === 'host-gw',
  hostSteps: (input) => {
    const f = flannelOf(input);
    if (!f) return {};
    return { overlay: [...hostGwSteps(input.host, input.allocation.hosts), ...flannelForwardSteps(f.flannel.network, input.names)] };
  },
  expected: (input) => (flannelOf(input) ? [...peerRouteExpectations(input), { kind: 'chain', table: 'filter', chain: input.names.chain('FLANNEL-FWD') }] : []),
};
