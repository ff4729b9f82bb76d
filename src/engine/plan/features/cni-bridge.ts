// network.mode: pod-cidr — how a pod is plugged on a flannel node: the CNI
// ADD of flannel's conflist (flannel → bridge → host-local) gives it its
// veth on cni0 (hairpin on), its address from the node's lease and the
// cluster route, and leaves the plugins' files (flannel-cni.ts;
// docs/networking.md §4, §5.3).
import type { NetworkFeature } from '../network-feature';
import { flannelPodFilesSteps } from '../flannel-cni';
import { bridgedPodExpectations, bridgedPodSteps } from './bridged-pods';

export const cniBridge: NetworkFeature = {
  name: 'cni-bridge',
  applies: (spec) => spec.network.mode === 'pod-cidr',
  hostSteps: (input) => {
    const { spec, allocation, host, ctx } = input;
    return {
      pods: [
        ...bridgedPodSteps(input, { clusterCidr: spec.network.cidr, hairpin: true }),
        ...(allocation.flannel ? flannelPodFilesSteps(spec.name, host, allocation.flannel, ctx.cniRoot) : []),
      ],
    };
  },
  expected: bridgedPodExpectations,
};
