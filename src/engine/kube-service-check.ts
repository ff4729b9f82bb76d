// Readiness of one Service on a host: kube-proxy's rules for it, read back
// (HostState.services, parsed from iptables-save or the nft table), send to
// as many endpoints as the lab gives it — delete a KUBE-SEP rule and the
// check names the Service.
import type { HostState } from '../shared/snapshot';
import type { Expectation } from './plan/expected-state';

export function kubeServiceProblem(host: string, e: Extract<Expectation, { kind: 'kube-service' }>, state: HostState): string | null {
  const services = state.services;
  if (!services || services.mode !== e.mode) return `${host}: no kube-proxy rules (${e.mode} mode)`;
  const svc = services.services.find((s) => `${s.namespace}/${s.name}` === e.service);
  if (!svc) return `${host}: service ${e.service} is not in kube-proxy's rules`;
  const endpoints = svc.ports.reduce((n, p) => n + p.endpoints.length, 0);
  return endpoints === e.endpoints ? null : `${host}: service ${e.service} has ${endpoints} of its ${e.endpoints} endpoints in kube-proxy's rules`;
}
