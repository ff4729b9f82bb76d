// Which pods a NetworkPolicy isolates, as the host's kube-router rules say
// (HostState.netpol, observed — never the lab file): for the pods' marker in
// the drawing and their details.
import type { NetpolPodObserved } from '../../../shared/netpol';
import type { HostState, Snapshot } from '../../../shared/snapshot';

/** The pod's firewall chain on its host, when a policy isolates it in some direction. */
export function podIsolation(h: HostState, ip: string | null): NetpolPodObserved | null {
  const p = ip ? h.netpol?.pods.find((x) => x.ip === ip) : undefined;
  return p && (p.isolatedIngress || p.isolatedEgress) ? p : null;
}

/** `ingress`, `egress` or `ingress and egress`. */
export const isolationDirections = (p: NetpolPodObserved): string => [p.isolatedIngress ? 'ingress' : '', p.isolatedEgress ? 'egress' : ''].filter(Boolean).join(' and ');

/** Some host enforces NetworkPolicies (kube-router's rules were read back). */
export const hasNetpol = (s: Snapshot): boolean => s.hosts.some((h) => h.netpol);
