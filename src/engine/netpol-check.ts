// Readiness of a host's NetworkPolicy rules: kube-router's state read back
// (HostState.netpol, parsed from iptables-save and `ipset save`) has its jumps,
// a chain per policy, and isolates each local pod in exactly the directions
// the lab's policies name — delete a pod's REJECT and the check names the pod.
import type { HostState } from '../shared/snapshot';
import type { Expectation } from './plan/expected-state';

export function netpolProblem(host: string, e: Extract<Expectation, { kind: 'netpol' }>, state: HostState): string | null {
  const netpol = state.netpol;
  if (!netpol?.enforced) return `${host}: kube-router's jumps (KUBE-ROUTER-INPUT/FORWARD/OUTPUT) are not in place`;
  if (netpol.policies.length !== e.policies) return `${host}: ${netpol.policies.length} of the lab's ${e.policies} NetworkPolicy chains are there`;
  for (const want of e.pods) {
    const pod = netpol.pods.find((p) => p.ip === want.ip);
    if (!pod) return `${host}: pod ${want.pod} (${want.ip}) has no kube-router firewall chain`;
    const directions = (ingress: boolean, egress: boolean) => [ingress ? 'ingress' : '', egress ? 'egress' : ''].filter(Boolean).join(' and ') || 'nothing';
    if (pod.isolatedIngress !== want.ingress || pod.isolatedEgress !== want.egress) {
      return `${host}: pod ${want.pod} is isolated for ${directions(pod.isolatedIngress, pod.isolatedEgress)}, its policies say ${directions(want.ingress, want.egress)}`;
    }
  }
  return null;
}
