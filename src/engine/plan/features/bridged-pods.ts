// What docker0 and the CNI bridge share: the host bridge, and each pod as a
// namespace joined to it by a veth pair (bridge.ts, pod.ts; docs/networking.md §2, §4).
import type { Expectation } from '../expected-state';
import type { HostInput } from '../network-feature';
import { bridgeSteps } from '../bridge';
import { podHostSteps, podNetnsSteps, type PodStepsInput } from '../pod';
import type { Step } from '../step';

export function bridgedPodSteps({ host, netnsOf }: HostInput, how: Pick<PodStepsInput, 'clusterCidr' | 'hairpin'>): Step[] {
  const pods = host.pods.map((pod): PodStepsInput => ({ pod, netns: netnsOf(pod.name), bridge: host.bridge, ...how }));
  return [...bridgeSteps(host.bridge), ...pods.flatMap(podHostSteps), ...pods.flatMap(podNetnsSteps)];
}

export function bridgedPodExpectations({ host }: HostInput): Expectation[] {
  const { bridge } = host;
  return [{ kind: 'address', dev: bridge.name, address: bridge.ip, prefixLen: bridge.prefixLen }, ...host.pods.map((p): Expectation => ({ kind: 'pod-address', pod: p.name, ip: p.ip }))];
}
