// A traced probe (trace/trace-probe.ts) → each namespace's part in each leg
// of the path: the packet as it came in and as it left, what netfilter did
// with it (every rule in order, and the one that dropped it), what conntrack
// translated, and the route lookup to ask about it. Pure: the route answers
// are joined in later (traced-why.ts).
import type { PathRuleStep } from '../../shared/path';
import type { NetfilterStep, TracedPacket } from '../trace/netfilter-steps';
import { formatTuple, type ConntrackTuple } from '../trace/parse-conntrack';
import type { TracePacketFields } from '../trace/parse-nft-trace';
import type { RouteQuery } from '../trace/route-explain';
import type { FlowConnection, NamespaceTrace } from '../trace/trace-probe';

export type LegName = 'request' | 'reply';

/** The probe's request, or what came back about it (an answer, a reset, an ICMP error). */
export function legOf(p: TracedPacket): LegName | null {
  if (p.role === 'request') return 'request';
  if (p.role === 'reply' || p.role === 'error' || p.role === 'reset') return 'reply';
  return null;
}

export interface NamespaceLeg {
  node: string;
  leg: LegName;
  packet: TracedPacket;
  /** The packet as the first hook saw it (before any NAT here), and as the last one did. */
  first: TracePacketFields;
  last: TracePacketFields;
  iif: string | null;
  oif: string | null;
  rules: PathRuleStep[];
  /** Where the kernel routes it (after a DNAT here): the lookup that explains the hop. */
  query: RouteQuery;
  nat: string | null;
}

export function ruleStep(s: NetfilterStep): PathRuleStep {
  return { table: s.table, chain: s.chain, kind: s.kind, rule: s.rule, syntax: s.syntax, position: s.position, verdict: s.verdict };
}

/** `filter FORWARD rule 1: -A FORWARD -d 10.2.3.10/32 -j DROP`, `filter FORWARD policy: :FORWARD DROP`. */
export function describeRule(r: PathRuleStep): string {
  // An nft policy's text says `policy` already (`policy accept`).
  const where = `${r.table} ${r.chain}${r.kind === 'policy' && r.syntax === 'iptables' ? ' policy' : r.position != null ? ` rule ${r.position}` : ''}`;
  return `${where}: ${r.rule ?? '(a rule nft could not print)'}`;
}

/** `tcp 10.2.1.2:23456 → 10.2.3.10:80 [syn]`, `icmp 10.2.1.2 → 10.2.3.10 echo-request`. */
export function describePacket(p: TracePacketFields): string {
  const end = (a: string | null, port: number | null) => `${a ?? '?'}${port != null ? `:${port}` : ''}`;
  // An echo's code is always 0 (nft names a code by the error types' names): only an error's code is told.
  const icmp = p.icmpType?.startsWith('echo') ? [p.icmpType] : [p.icmpType, p.icmpCode];
  const extra = p.protocol === 'tcp' ? ` [${p.tcpFlags.join(',')}]` : p.protocol === 'icmp' ? ` ${icmp.filter(Boolean).join(' ')}` : '';
  return `${p.protocol ?? '?'} ${end(p.src, p.srcPort)} → ${end(p.dst, p.dstPort)}${extra}`.trimEnd();
}

const reverse = (t: ConntrackTuple): ConntrackTuple => ({ src: t.dst, dst: t.src, sport: t.dport, dport: t.sport });

/** What NAT did to this leg's packet here: the request's translation, or the reply's (conntrack undoing it). */
function natText(connections: readonly FlowConnection[], leg: LegName): string | null {
  const c = connections.find((x) => x.nat);
  if (!c?.nat) return null;
  if (leg === 'request') return c.nat.text;
  const e = c.entry;
  return `${formatTuple(e.reply, e.protocol)} became ${formatTuple(reverse(e.original), e.protocol)}`;
}

function legView(ns: NamespaceTrace, packet: TracedPacket, leg: LegName): NamespaceLeg | null {
  const first = packet.packet;
  if (!first) return null;
  const seen = packet.steps.flatMap((s) => (s.packet ? [s.packet] : []));
  const last = seen[seen.length - 1] ?? first;
  // A namespace with no rules of its own (a pod) shows the packet only in the trace table's chains: its first sighting.
  const oif = [...seen].reverse().find((p) => p.oif)?.oif ?? first.oif;
  const dst = last.dst ?? first.dst;
  const iif = first.iif;
  // A forwarded packet's lookup is the one for its input interface and source; a packet made here, a plain one.
  const query: RouteQuery = iif && first.src ? { dst: dst ?? '', from: first.src, iif } : { dst: dst ?? '' };
  return { node: ns.node, leg, packet, first, last, iif, oif, rules: packet.steps.map(ruleStep), query, nat: natText(ns.connections, leg) };
}

/** Each namespace's first packet of each leg (a retransmitted SYN or a second error is left out). */
export function namespaceLegs(namespaces: readonly NamespaceTrace[]): NamespaceLeg[] {
  const out: NamespaceLeg[] = [];
  for (const ns of namespaces) {
    for (const leg of ['request', 'reply'] as const) {
      const packet = ns.packets.find((p) => legOf(p) === leg);
      const view = packet ? legView(ns, packet, leg) : null;
      if (view && view.query.dst) out.push(view);
    }
  }
  return out;
}

/**
 * The legs' views in the order the packet crossed the namespaces: each leg's
 * expected order (path-namespaces.ts), with namespaces it did not expect
 * (a pod a DNAT handed the request to) after the request's last and before
 * the reply's first. Causality, never clocks: separate machines' clocks differ.
 */
export function orderLegs(views: readonly NamespaceLeg[], order: { request: readonly string[]; reply: readonly string[] }): NamespaceLeg[] {
  const rank = (v: NamespaceLeg) => {
    const expected = order[v.leg];
    const i = expected.indexOf(v.node);
    if (i >= 0) return i;
    return v.leg === 'request' ? expected.length : -1;
  };
  const leg = (name: LegName) => views.filter((v) => v.leg === name).sort((a, b) => rank(a) - rank(b));
  return [...leg('request'), ...leg('reply')];
}
