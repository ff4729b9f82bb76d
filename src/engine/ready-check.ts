// `up` is finished only when the lab is actually there: the state read back
// from each host must hold what the plan was meant to create.
import type { HostState } from '../shared/snapshot';
import type { Allocation } from './ipam/allocation';

/** `only`: check these hosts (set up again by a repair); their peers are still checked against. */
export function readinessProblems(allocation: Allocation, observed: ReadonlyMap<string, HostState>, only?: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const flannel = allocation.flannel;
  for (const h of allocation.hosts) {
    if (only && !only.has(h.name)) continue;
    const state = observed.get(h.name);
    if (!state) {
      problems.push(`${h.name}: no state was read back`);
      continue;
    }
    const has = (dev: string, addr: string) => state.interfaces.some((i) => i.name === dev && i.addresses.some((a) => `${a.address}/${a.prefixLen}` === addr));
    if (!has(h.bridge.name, `${h.bridge.ip}/${h.bridge.prefixLen}`)) problems.push(`${h.name}: ${h.bridge.name} does not have ${h.bridge.ip}/${h.bridge.prefixLen}`);
    for (const p of h.pods) {
      const pod = state.pods.find((x) => x.name === p.name);
      if (pod?.ip !== p.ip) problems.push(`${h.name}/${p.name}: eth0 has ${pod?.ip ?? 'no address'}, expected ${p.ip}`);
    }
    const peers = allocation.hosts.filter((x) => x.name !== h.name && x.lease);
    if (flannel?.backend === 'vxlan') {
      const dev = state.interfaces.find((i) => i.name === flannel.device);
      if (!dev?.vxlan || dev.vxlan.id !== flannel.vni || dev.mtu !== flannel.mtu) problems.push(`${h.name}: ${flannel.device} is missing or wrong`);
      for (const p of peers) {
        if (!state.fdb.some((f) => f.dev === flannel.device && f.mac === p.vtepMac && f.dst === p.underlayIp)) problems.push(`${h.name}: no fdb entry for ${p.name}`);
      }
    }
    if (flannel && flannel.backend !== 'none') {
      for (const p of peers) if (!state.routes.some((r) => r.dst === p.lease)) problems.push(`${h.name}: no route to ${p.name}'s lease ${p.lease}`);
    }
  }
  if (allocation.internet && (!only || only.has('internet'))) {
    const inet = observed.get('internet');
    if (!inet?.interfaces.some((i) => i.addresses.some((a) => a.address === allocation.internet!.address))) problems.push(`internet: ${allocation.internet.address} is not configured`);
  }
  return problems;
}
