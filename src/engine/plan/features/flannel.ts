// flannel on every pod-cidr node, whatever its backend: the leases and
// subnet.env (flannel-state.ts) and the conflist install-cni leaves
// (flannel-cni.ts); docs/networking.md §5.1–5.3. The backends and
// masquerade are features of their own.
import type { FlannelAllocation, HostAllocation } from '../../ipam/allocation';
import type { Expectation } from '../expected-state';
import { flannelConflistStep } from '../flannel-cni';
import { flannelStateSteps } from '../flannel-state';
import type { HostInput, NetworkFeature } from '../network-feature';

/** The host's flannel allocation and lease, when it has both (every pod-cidr host of a plannable lab). */
export function flannelOf({ allocation, host }: HostInput): { flannel: FlannelAllocation; lease: string } | null {
  return allocation.flannel && host.lease ? { flannel: allocation.flannel, lease: host.lease } : null;
}

/** The other hosts that hold a lease. */
export const leasedPeers = ({ allocation, host }: HostInput): HostAllocation[] => allocation.hosts.filter((p) => p.name !== host.name && p.lease);

/** A route to every peer's lease (what either backend programs). */
export const peerRouteExpectations = (input: HostInput): Expectation[] => leasedPeers(input).map((p) => ({ kind: 'route', dst: p.lease!, what: `${p.name}'s lease ${p.lease}` }));

export const flannel: NetworkFeature = {
  name: 'flannel',
  applies: (spec) => spec.network.mode === 'pod-cidr',
  hostSteps: (input) => {
    const f = flannelOf(input);
    if (!f) return {};
    const { allocation, host, ctx } = input;
    return { overlay: [...flannelStateSteps(host, allocation.hosts, f.flannel, ctx.stateDir, ctx.flannelRunDir), flannelConflistStep(ctx.cniRoot)] };
  },
  expected: () => [],
};
