// `podnet inspect`'s summary of a host's Services, as its kube-proxy rules
// implement them (HostState.services): one line per service port, then its
// endpoints with the share of new connections each gets.
//   services (kube-proxy, iptables mode):
//     default/web:http  10.96.100.10:80/tcp  nodePort 30080 (Cluster)
//       → 10.244.1.2:8080 33.3%  KUBE-SEP-…
import type { ObservedServicePort, ObservedServices } from '../shared/services';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function portLine(p: ObservedServicePort): string {
  const vip = p.clusterIP ? `${p.clusterIP}:${p.port ?? '?'}/${p.protocol}` : `(no cluster IP)/${p.protocol}`;
  const parts = [p.servicePortName.padEnd(28), vip];
  if (p.nodePort !== null) parts.push(`nodePort ${p.nodePort}${p.externalTrafficPolicy ? ` (${p.externalTrafficPolicy})` : ''}`);
  if (p.affinityTimeoutSeconds !== null) parts.push(`ClientIP affinity ${p.affinityTimeoutSeconds} s`);
  if (p.noEndpoints.clusterIP) parts.push(`no endpoints: ${p.noEndpoints.clusterIP.toUpperCase()}`);
  return parts.join('  ');
}

export function formatServices(s: ObservedServices, indent: string): string[] {
  const out = [`${indent}services (kube-proxy, ${s.mode} mode):`];
  for (const svc of s.services) {
    for (const p of svc.ports) {
      out.push(`${indent}  ${portLine(p)}`);
      for (const e of p.endpoints) out.push(`${indent}    → ${`${e.ip}:${e.port}`.padEnd(21)} ${percent(e.share).padStart(6)}  ${e.chain}`);
      if (p.localEndpoints) out.push(`${indent}    local endpoints: ${p.localEndpoints.map((e) => `${e.ip}:${e.port}`).join(', ') || `none (${p.noEndpoints.nodePort ?? 'drop'})`}`);
    }
  }
  if (s.services.length === 0) out.push(`${indent}  (none)`);
  return out;
}
