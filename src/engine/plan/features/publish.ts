// publish[]: Docker's port publishing (`-p 8080:80`) on the hosts it names —
// the DNAT, the filter ACCEPT and (≤27) the hairpin MASQUERADE; on a pod-cidr
// host first Docker's chains and jumps (docker-iptables.ts; docs/networking.md §3).
import { dockerPublishChainSteps, publishSteps } from '../docker-iptables';
import type { HostInput, NetworkFeature } from '../network-feature';
import { dockerBridgeOf } from './docker0';

const publishedOn = ({ spec, host }: HostInput) => spec.publish.filter((p) => p.host === host.name);

export const publish: NetworkFeature = {
  name: 'publish',
  applies: (spec) => spec.publish.length > 0,
  hostSteps: (input) => {
    const published = publishedOn(input);
    if (published.length === 0) return {};
    const docker = dockerBridgeOf(input);
    return {
      publishing: [
        ...(input.spec.network.mode === 'pod-cidr' ? dockerPublishChainSteps(docker) : []),
        ...published.flatMap((p) => publishSteps(docker, p, input.host.pods.find((x) => x.name === p.to)!)),
      ],
    };
  },
  expected: (input) => (publishedOn(input).length > 0 ? [{ kind: 'chain', table: 'nat', chain: input.names.chain('DOCKER') }] : []),
};
