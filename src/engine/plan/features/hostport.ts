// A pod's `hostPort`: the CNI portmap plugin's chains on its host
// (cni-portmap.ts; docs/networking.md, "hostPort: the CNI portmap plugin"),
// loaded after kube-proxy's as on a node, where pods start after it.
// The plugin sets route_localnet on cni0 so that 127.0.0.1:<hostPort> can be
// DNATed; a container can set only `all` (at its creation: its /proc/sys is
// read-only), which the kernel ORs with each device's value — the same effect.
import { podContainerId, cniPortmap, type HostPortPod } from '../cni-portmap';
import type { HostInput, NetworkFeature } from '../network-feature';
import { iptablesRestoreFileSteps } from '../rule-file-steps';
import { ROUTE_LOCALNET } from './kube-proxy';

function hostPortPods({ spec, host }: HostInput): HostPortPod[] {
  const kube = spec.kubernetes;
  if (!kube) return [];
  return kube.pods.flatMap((k) => {
    const pod = k.host === host.name && k.hostPort ? host.pods.find((p) => p.name === k.pod) : undefined;
    if (!pod || !k.hostPort) return [];
    return [
      {
        ip: pod.ip,
        prefixLen: pod.prefixLen,
        containerId: podContainerId(spec.name, host.name, k.namespace, k.pod),
        mappings: [{ hostPort: k.hostPort.port, containerPort: k.hostPort.containerPort, protocol: k.hostPort.protocol === 'UDP' ? 'udp' : 'tcp' }],
      },
    ];
  });
}

export const hostPort: NetworkFeature = {
  name: 'hostport',
  applies: (spec) => spec.kubernetes?.pods.some((p) => p.hostPort !== null) ?? false,
  hostSteps: (input) => {
    const pods = hostPortPods(input);
    if (pods.length === 0) return {};
    const portmap = cniPortmap(pods, { hostInterface: input.host.bridge.name, names: input.names });
    return { publishing: [ROUTE_LOCALNET, ...iptablesRestoreFileSteps(`${input.ctx.stateDir}/cni/portmap.rules`, portmap.restore)] };
  },
  expected: (input) => (hostPortPods(input).length > 0 ? [{ kind: 'chain', table: 'nat', chain: input.names.chain('CNI-HOSTPORT-DNAT') }] : []),
};
