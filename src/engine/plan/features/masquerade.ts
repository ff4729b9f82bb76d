// network.masquerade in pod-cidr mode: flanneld --ip-masq, FLANNEL-POSTRTG
// (flannel-iptables.ts; docs/networking.md §5.6). In docker0 mode the
// masquerade rule is dockerd's, in the docker0 feature.
import type { NetworkFeature } from '../network-feature';
import { flannelMasqSteps } from '../flannel-iptables';
import { flannelOf } from './flannel';

export const masquerade: NetworkFeature = {
  name: 'masquerade',
  applies: (spec) => spec.network.mode === 'pod-cidr' && spec.network.masquerade,
  hostSteps: (input) => {
    const f = flannelOf(input);
    return f ? { overlay: flannelMasqSteps(f.flannel.network, f.lease, input.names) } : {};
  },
  expected: (input) => (flannelOf(input) ? [{ kind: 'chain', table: 'nat', chain: input.names.chain('FLANNEL-POSTRTG') }] : []),
};
