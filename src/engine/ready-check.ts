// `up` is finished only when the lab is actually there: the state read back
// from each host must hold what its plan expects (plan/expected-state.ts,
// contributed by each network feature).
import type { HostState } from '../shared/snapshot';
import type { Expectation } from './plan/expected-state';
import type { LabPlan } from './plan/step';
import { kubeServiceProblem } from './kube-service-check';
import { netpolProblem } from './netpol-check';

/** What is wrong with one expectation on a host, or null when the host holds it. */
export function unmetExpectation(host: string, e: Expectation, state: HostState): string | null {
  switch (e.kind) {
    case 'address': {
      const has = state.interfaces.some((i) => i.name === e.dev && i.addresses.some((a) => a.address === e.address && a.prefixLen === e.prefixLen));
      return has ? null : `${host}: ${e.dev} does not have ${e.address}/${e.prefixLen}`;
    }
    case 'pod-address': {
      const pod = state.pods.find((p) => p.name === e.pod);
      return pod?.ip === e.ip ? null : `${host}/${e.pod}: eth0 has ${pod?.ip ?? 'no address'}, expected ${e.ip}`;
    }
    case 'vxlan-device': {
      const dev = state.interfaces.find((i) => i.name === e.dev);
      return dev?.vxlan && dev.vxlan.id === e.vni && dev.mtu === e.mtu ? null : `${host}: ${e.dev} is missing or wrong`;
    }
    case 'fdb':
      return state.fdb.some((f) => f.dev === e.dev && f.mac === e.mac && f.dst === e.dst) ? null : `${host}: no fdb entry for ${e.peer}`;
    case 'route':
      return state.routes.some((r) => r.dst === e.dst) ? null : `${host}: no route to ${e.what}`;
    case 'chain':
      return state.iptables[e.table].some((l) => l.startsWith(`:${e.chain} `)) ? null : `${host}: no ${e.table} chain ${e.chain}`;
    case 'kube-service':
      return kubeServiceProblem(host, e, state);
    case 'netpol':
      return netpolProblem(host, e, state);
  }
}

/** `only`: check these hosts (set up again by a repair). */
export function readinessProblems(plan: LabPlan, observed: ReadonlyMap<string, HostState>, only?: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const h of plan.hosts) {
    if (only && !only.has(h.host)) continue;
    const state = observed.get(h.host);
    if (!state) {
      problems.push(`${h.host}: no state was read back`);
      continue;
    }
    for (const e of h.expected) {
      const problem = unmetExpectation(h.host, e, state);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}
