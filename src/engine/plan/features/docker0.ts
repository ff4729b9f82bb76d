// network.mode: docker0 — Docker's default bridge and its containers, with
// the iptables rules dockerd programs for it in the lab's `dockerRules`
// version (docker-iptables.ts; docs/networking.md §2, §3). Masquerade here is
// dockerd's (`-s <bridge subnet> ! -o docker0 -j MASQUERADE`), part of its
// start-up rules; flannel's is the `masquerade` feature.
import type { Expectation } from '../expected-state';
import { dockerDaemonSteps, dockerEndpointSteps, type DockerBridge } from '../docker-iptables';
import type { HostInput, NetworkFeature } from '../network-feature';
import { bridgedPodExpectations, bridgedPodSteps } from './bridged-pods';

/** The host's bridge as Docker's rules name it. */
export const dockerBridgeOf = ({ spec, host, names }: HostInput): DockerBridge => ({ bridge: host.bridge.name, subnet: host.bridge.subnet, version: spec.network.dockerRules, names });

export const docker0: NetworkFeature = {
  name: 'docker0',
  applies: (spec) => spec.network.mode === 'docker0',
  hostSteps: (input) => {
    const docker = dockerBridgeOf(input);
    return {
      pods: [
        ...bridgedPodSteps(input, { clusterCidr: null, hairpin: false }),
        ...dockerDaemonSteps(docker, input.spec.network.masquerade),
        ...input.host.pods.flatMap((p) => dockerEndpointSteps(docker, p)),
      ],
    };
  },
  expected: (input) => [
    ...bridgedPodExpectations(input),
    ...(['nat', 'filter'] as const).map((table): Expectation => ({ kind: 'chain', table, chain: input.names.chain('DOCKER') })),
  ],
};
