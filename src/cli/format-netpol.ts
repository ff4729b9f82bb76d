// `podnet inspect`'s summary of a host's NetworkPolicy enforcement, as its
// kube-router rules do it (HostState.netpol): each local pod a policy isolates,
// in which direction, and the policy chains it runs; then each policy's
// allowances.
//   network policies (kube-router):
//     default/web-1  10.244.1.2  isolated for ingress  KUBE-POD-FW-…
//       ← default/web-from-client  KUBE-NWPLCY-…
//     policy default/web-from-client  KUBE-NWPLCY-…
//       ingress from pods 10.244.1.3, 10.244.2.3 tcp/8080
import type { NetpolAllowObserved, NetpolObserved } from '../shared/netpol';

function peerText(a: NetpolAllowObserved): string {
  const p = a.peer;
  switch (p.kind) {
    case 'any':
      return 'anyone';
    case 'pods':
      return `pods ${p.ips.join(', ') || '(none)'}`;
    case 'cidrs':
      return `${p.cidrs.join(', ')}${p.except.length ? ` except ${p.except.join(', ')}` : ''}`;
    case 'missing-set':
      return `nobody (set ${p.set} is missing)`;
  }
}

const portText = (a: NetpolAllowObserved): string => (a.protocol === null ? 'every port' : `${a.protocol}/${a.port ?? 'every port'}`);

export function formatNetpol(n: NetpolObserved, indent: string): string[] {
  const out = [`${indent}network policies (kube-router${n.enforced ? '' : ', its jumps are MISSING: nothing is enforced'}):`];
  const names = new Map(n.policies.map((p) => [p.chain, p.namespace && p.name ? `${p.namespace}/${p.name}` : p.chain]));
  const isolated = n.pods.filter((p) => p.isolatedIngress || p.isolatedEgress);
  for (const p of isolated) {
    const directions = [p.isolatedIngress ? 'ingress' : '', p.isolatedEgress ? 'egress' : ''].filter(Boolean).join(' and ');
    out.push(`${indent}  ${(p.namespace && p.name ? `${p.namespace}/${p.name}` : '?').padEnd(24)} ${p.ip.padEnd(15)} isolated for ${directions}  ${p.chain}`);
    for (const j of p.policies) out.push(`${indent}    ${j.direction === 'egress' ? '→' : j.direction === 'ingress' ? '←' : '↔'} ${names.get(j.chain) ?? j.chain}  ${j.chain}`);
  }
  if (isolated.length === 0) out.push(`${indent}  (no pod of this host is isolated)`);
  for (const p of n.policies) {
    out.push(`${indent}  policy ${names.get(p.chain)}  ${p.chain}`);
    for (const a of p.allows) out.push(`${indent}    ${a.direction} ${a.direction === 'ingress' ? 'from' : 'to'} ${peerText(a)} ${portText(a)}`);
    if (p.allows.length === 0) out.push(`${indent}    allows nothing`);
  }
  return out;
}
