// Which route the kernel would pick for an address: longest prefix match
// over the OBSERVED main routing table of a host or pod.
import type { Route } from '../../shared/snapshot';
import { contains, isIpv4 } from '../ipam/cidr';

function prefixOf(dst: string): string | null {
  if (dst === 'default') return '0.0.0.0/0';
  if (isIpv4(dst)) return `${dst}/32`;
  return /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(dst) ? dst : null;
}

export function lookupRoute(routes: readonly Route[], address: string): Route | null {
  let best: { route: Route; len: number } | null = null;
  for (const route of routes) {
    if (route.table && route.table !== 'main') continue;
    const prefix = prefixOf(route.dst);
    if (!prefix || !contains(prefix, address)) continue;
    const len = Number(prefix.split('/')[1]);
    if (!best || len > best.len) best = { route, len };
  }
  return best?.route ?? null;
}

/** A route as `ip route` prints it. */
export function formatRoute(r: Route): string {
  return [r.dst, r.gateway && `via ${r.gateway}`, r.dev && `dev ${r.dev}`, r.protocol && `proto ${r.protocol}`, r.scope && `scope ${r.scope}`, r.prefsrc && `src ${r.prefsrc}`, ...r.flags]
    .filter(Boolean)
    .join(' ');
}
