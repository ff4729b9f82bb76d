// Why a packet went where it went in a namespace, from the kernel's own
// lookups (iproute2 6.1): the route that matched (`ip route get fibmatch`,
// printed as `ip route` prints it, e.g. `10.2.3.0/24 via 10.2.3.0 dev
// flannel.1 onlink`), the neighbour entry of the next hop, and — into a VXLAN
// device — the fdb entry that names the remote VTEP. And what is missing
// when it went nowhere: no route, no neighbour, no fdb entry.
// One exec answers every query of a namespace (one bash script, one section each).
import { ERROR_CODES } from '../../shared/errors';
import { isIpv4 } from '../ipam/cidr';
import { PodnetError } from '../errors';
import type { TraceNamespace } from './trace-namespace';

export interface RouteQuery {
  dst: string;
  /** The packet's source address; with `iif`, the lookup is the one for a packet forwarded from that interface. */
  from?: string | null;
  iif?: string | null;
}

export interface NeighbourEntry {
  address: string;
  dev: string;
  lladdr: string | null;
  /** PERMANENT, REACHABLE, STALE, FAILED, INCOMPLETE… */
  state: string[];
}

export interface FdbEntry {
  mac: string;
  /** The remote VTEP. */
  dst: string | null;
  flags: string[];
  state: string | null;
}

export type MissingPiece = 'route' | 'neighbour' | 'fdb';

export interface RouteExplanation {
  query: RouteQuery;
  /** The matching route as `ip route` prints it, or null when there is none. */
  route: string | null;
  /** `unicast`, `local`, `unreachable`, `blackhole`, `prohibit`… */
  type: string | null;
  dev: string | null;
  gateway: string | null;
  /** The source address the kernel picks for packets it sends itself. */
  prefsrc: string | null;
  /** The address the packet is handed to on `dev`: the gateway, or the destination itself. */
  nextHop: string | null;
  neighbour: NeighbourEntry | null;
  /** When `dev` is a VXLAN device: its VNI and port, and the fdb entry for the neighbour's MAC. */
  vxlan: { vni: number | null; port: number | null } | null;
  fdb: FdbEntry | null;
  missing: MissingPiece | null;
  /** What `ip route get` answered when the lookup failed (`Network is unreachable`, `No route to host`…). */
  error: string | null;
  /** The explanation, a line each. */
  lines: string[];
}

const IFACE = /^[A-Za-z0-9_.@:+-]{1,15}$/;
const SAY = '\x1epodnet ';

function checkQuery(q: RouteQuery): void {
  if (!isIpv4(q.dst)) throw new Error(`route lookup: "${q.dst}" is not an IPv4 address`);
  if (q.from != null && !isIpv4(q.from)) throw new Error(`route lookup: "${q.from}" is not an IPv4 address`);
  if (q.iif != null && (!IFACE.test(q.iif) || q.iif.startsWith('-'))) throw new Error(`route lookup: "${q.iif}" is not an interface name`);
  if (q.iif != null && q.from == null) throw new Error('route lookup: a lookup for a forwarded packet (iif) needs its source address');
}

// Arguments: triples of dst, from ('-' for none), iif ('-' for none).
const SCRIPT = String.raw`
say() { printf '\036podnet %s\n' "$*"; }
n=0
while [ $# -ge 3 ]; do
  dst=$1 from=$2 iif=$3; shift 3
  args="$dst"
  [ "$from" = - ] || args="$args from $from"
  [ "$iif" = - ] || args="$args iif $iif"
  say query $n
  say route
  r=$(ip -j route get $args 2>&1)
  echo "$r"
  say fib
  ip route get fibmatch $args 2>/dev/null | head -n 1
  say match
  ip -j route show to match "$dst" 2>/dev/null; echo
  gw=$(printf '%s' "$r" | grep -o '"gateway":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  dev=$(printf '%s' "$r" | grep -o '"dev":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  nh=$gw; [ -n "$nh" ] || nh=$dst
  if [ -n "$dev" ] && [ "$dev" != lo ]; then
    say neigh
    ip -j neigh show to "$nh" dev "$dev" 2>/dev/null; echo
    say link
    ip -j -d link show dev "$dev" 2>/dev/null; echo
    say fdb
    bridge -j fdb show dev "$dev" 2>/dev/null; echo
  fi
  n=$((n + 1))
done
say end
`;

/** The argv that answers the queries in one namespace. */
export function routeLookupArgv(queries: readonly RouteQuery[]): string[] {
  for (const q of queries) checkQuery(q);
  return ['bash', '-c', SCRIPT, 'podnet-route', ...queries.flatMap((q) => [q.dst, q.from ?? '-', q.iif ?? '-'])];
}

interface Sections {
  route: string;
  fib: string;
  match: string;
  neigh: string;
  link: string;
  fdb: string;
}

function splitOutput(text: string): Sections[] {
  const out: Sections[] = [];
  let current: Sections | null = null;
  let key: keyof Sections | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith(SAY)) {
      const [word] = line.slice(SAY.length).split(' ');
      if (word === 'query') {
        current = { route: '', fib: '', match: '', neigh: '', link: '', fdb: '' };
        out.push(current);
        key = null;
      } else if (current && word && word in current) key = word as keyof Sections;
      else key = null;
      continue;
    }
    if (current && key) current[key] += `${line}\n`;
  }
  return out;
}

function json<T>(text: string): T | null {
  const t = text.trim();
  if (!t.startsWith('[') && !t.startsWith('{')) return null;
  try {
    return JSON.parse(t) as T;
  } catch {
    return null;
  }
}

interface IpRoute {
  type?: string;
  dst?: string;
  gateway?: string;
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags?: string[];
}

/** A route of `ip -j route` as `ip route` prints it (type when not unicast, then dst, via, dev, table, proto, scope, src, metric, flags). */
export function formatIpRoute(r: IpRoute): string {
  return [
    r.type && r.type !== 'unicast' ? r.type : null,
    r.dst,
    r.gateway ? `via ${r.gateway}` : null,
    r.dev ? `dev ${r.dev}` : null,
    r.table && r.table !== 'main' ? `table ${r.table}` : null,
    r.protocol ? `proto ${r.protocol}` : null,
    r.scope ? `scope ${r.scope}` : null,
    r.prefsrc ? `src ${r.prefsrc}` : null,
    r.metric != null ? `metric ${r.metric}` : null,
    ...(r.flags ?? []),
  ]
    .filter(Boolean)
    .join(' ');
}

function prefixLength(dst: string | undefined): number {
  if (!dst) return -1;
  if (dst === 'default') return 0;
  const m = /\/(\d+)$/.exec(dst);
  return m ? Number(m[1]) : 32;
}

/** The words of `ip route get`'s error: `RTNETLINK answers: Network is unreachable` → `Network is unreachable`. */
function ipError(text: string): string | null {
  const t = text.trim();
  if (!t || t.startsWith('[')) return null;
  return t.replace(/^RTNETLINK answers:\s*/, '').split('\n')[0]!.trim();
}

/** What a route of a type that delivers nothing does with the packet (ip-route(8)). */
const ROUTE_TYPE_FATE: Record<string, string> = {
  unreachable: 'the packet is discarded and ICMP host unreachable sent back',
  prohibit: 'the packet is discarded and ICMP communication administratively prohibited sent back',
  blackhole: 'the packet is discarded silently',
  throw: 'the lookup ends in this table without a match',
};

function explain(query: RouteQuery, s: Sections): RouteExplanation {
  const got = json<IpRoute[]>(s.route)?.[0] ?? null;
  const error = got ? null : ipError(s.route) ?? 'no answer';
  const matching = (json<IpRoute[]>(s.match) ?? []).sort((a, b) => prefixLength(b.dst) - prefixLength(a.dst))[0] ?? null;
  const route = s.fib.trim() || (matching ? formatIpRoute(matching) : null);
  const type = got ? (got.type ?? 'unicast') : (matching?.type ?? null);
  const dev = got?.dev ?? null;
  const gateway = got?.gateway ?? null;
  const nextHop = got && type !== 'local' ? (gateway ?? query.dst) : null;
  const neighbour = (json<{ dst: string; lladdr?: string; state?: string[] }[]>(s.neigh) ?? [])[0];
  const link = (json<{ linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number } } }[]>(s.link) ?? [])[0];
  const isVxlan = link?.linkinfo?.info_kind === 'vxlan';
  const fdbAll = json<{ mac: string; dst?: string; flags?: string[]; state?: string }[]>(s.fdb) ?? [];
  const n: NeighbourEntry | null = neighbour && dev ? { address: neighbour.dst, dev, lladdr: neighbour.lladdr ?? null, state: neighbour.state ?? [] } : null;
  const fdbFor = (mac: string) => fdbAll.find((f) => f.mac === mac && f.dst) ?? fdbAll.find((f) => f.mac === '00:00:00:00:00:00' && f.dst);
  const f = isVxlan && n?.lladdr ? fdbFor(n.lladdr) : undefined;
  const fdb: FdbEntry | null = f ? { mac: f.mac, dst: f.dst ?? null, flags: f.flags ?? [], state: f.state ?? null } : null;
  const unresolved = !n || !n.lladdr || n.state.some((x) => x === 'FAILED' || x === 'INCOMPLETE');

  const lines: string[] = [];
  let missing: MissingPiece | null = null;
  if (!got) {
    missing = 'route';
    const fate = type ? ROUTE_TYPE_FATE[type] : undefined;
    lines.push(route ? `route: ${route} — ${fate ? `${fate} ` : ''}(the kernel answers "${error}")` : `no route to ${query.dst} (the kernel answers "${error}")`);
  } else if (type === 'local') {
    lines.push(`route: ${route ?? formatIpRoute(got)} — ${query.dst} is this namespace's own address: delivered here`);
  } else {
    lines.push(`route: ${route ?? formatIpRoute(got)}`);
    if (n && !unresolved) lines.push(`neighbour: ${n.address} dev ${n.dev} lladdr ${n.lladdr} ${n.state.join(' ')}`.trim());
    else if (n) lines.push(`neighbour: ${n.address} dev ${n.dev} is ${n.state.join(' ') || 'unresolved'}: no MAC address to send to`);
    if (isVxlan) {
      if (unresolved) {
        missing = 'neighbour';
        if (!n) lines.push(`no neighbour entry for ${nextHop} on ${dev}: no VTEP MAC address to send the packet to`);
      } else if (!fdb) {
        missing = 'fdb';
        lines.push(`no fdb entry for ${n!.lladdr} on ${dev}: the kernel does not know which host to send the VXLAN packet to`);
      } else {
        lines.push(`fdb: ${fdb.mac} dev ${dev} dst ${fdb.dst} ${[...fdb.flags, fdb.state].filter(Boolean).join(' ')}`.trim());
        lines.push(`encapsulated in VXLAN${link?.linkinfo?.info_data?.id != null ? ` (VNI ${link.linkinfo.info_data.id})` : ''} and sent to the VTEP ${fdb.dst}`);
      }
    } else if (n && unresolved) missing = 'neighbour';
  }
  return {
    query,
    route,
    type,
    dev,
    gateway,
    prefsrc: got?.prefsrc ?? null,
    nextHop,
    neighbour: n,
    vxlan: isVxlan ? { vni: link?.linkinfo?.info_data?.id ?? null, port: link?.linkinfo?.info_data?.port ?? null } : null,
    fdb,
    missing,
    error,
    lines,
  };
}

/** The script's output → one explanation per query, in the order asked. */
export function parseRouteLookup(queries: readonly RouteQuery[], stdout: string): RouteExplanation[] {
  const sections = splitOutput(stdout);
  return queries.map((q, i) => explain(q, sections[i] ?? { route: '', fib: '', match: '', neigh: '', link: '', fdb: '' }));
}

/** Asks a namespace every query in one exec. */
export async function lookupRoutes(ns: Pick<TraceNamespace, 'node' | 'exec'>, queries: readonly RouteQuery[], signal?: AbortSignal): Promise<RouteExplanation[]> {
  if (queries.length === 0) return [];
  const r = await ns.exec(routeLookupArgv(queries), signal ? { signal } : {});
  if (r.code !== 0 || !r.stdout.includes(`${SAY}end`)) {
    throw new PodnetError(ERROR_CODES.INTERNAL, `looking up routes in ${ns.node} failed: ${r.stderr.trim() || `exit ${r.code}`}`, { hint: 'the node needs bash and iproute2 (ip, bridge)' });
  }
  return parseRouteLookup(queries, r.stdout);
}
