// What a host's pods are called, read from the observed state: on a Docker
// host (its bridge is docker0) they are containers, elsewhere pods.
import type { HostState, Snapshot } from '../../../shared/snapshot';

export type PodNoun = 'pod' | 'container';

export function podNoun(h: Pick<HostState, 'interfaces'>): PodNoun {
  return h.interfaces.some((i) => i.kind === 'bridge' && i.name.endsWith('docker0')) ? 'container' : 'pod';
}

/** The noun for a whole lab: containers when every host with pods is a Docker host. */
export function labPodNoun(s: Snapshot): PodNoun {
  const withPods = s.hosts.filter((h) => h.pods.length > 0);
  return withPods.length > 0 && withPods.every((h) => podNoun(h) === 'container') ? 'container' : 'pod';
}

/** "1 host", "2 hosts", "1 container". */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
