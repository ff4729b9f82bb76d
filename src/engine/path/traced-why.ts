// The traced legs (traced-hops.ts) and each namespace's route lookup
// (trace/route-explain.ts) → why each hop went where it went, and what
// stopped the probe: the first rule that dropped or rejected it, else — on a
// leg that did not arrive — the route, neighbour or fdb entry missing where
// it was last seen.
import type { PathHopWhy, PathRuleStep, PathStop, PathTrace } from '../../shared/path';
import type { RouteExplanation } from '../trace/route-explain';
import { describeFlow } from '../trace/trace-flow';
import type { ProbeTrace } from '../trace/trace-probe';
import { describePacket, describeRule, type LegName, type NamespaceLeg } from './traced-hops';

export interface ExplainedLeg {
  view: NamespaceLeg;
  /** The route lookup for it; null when it could not be asked (the error is in the trace's errors). */
  route: RouteExplanation | null;
}

const ruleLine = (r: PathRuleStep) => `  ${describeRule(r)} → ${r.verdict}`;

export function hopWhy(e: ExplainedLeg): PathHopWhy {
  const v = e.view;
  const ways = [v.iif ? `in ${v.iif}` : 'made here', v.oif ? `out ${v.oif}` : null].filter(Boolean).join(', ');
  const lines = [`${v.leg}: ${describePacket(v.first)} (${ways})`];
  if (e.route) lines.push(...e.route.lines);
  if (v.rules.length) lines.push('netfilter:', ...v.rules.map(ruleLine));
  if (v.nat) lines.push(`conntrack: ${v.nat}`);
  if (v.packet.fate !== 'passed' && v.packet.decidedBy) lines.push(`${v.packet.fate} by ${describeRule(v.rules[v.packet.steps.indexOf(v.packet.decidedBy)]!)}`);
  return {
    node: v.node,
    leg: v.leg,
    packet: describePacket(v.first),
    iif: v.iif,
    oif: v.oif,
    route: e.route?.lines ?? [],
    missing: e.route?.missing ?? null,
    rules: v.rules,
    fate: v.packet.fate,
    nat: v.nat,
    lines,
  };
}

/** Whether the leg's packet arrived: it was delivered in a namespace (its route there is `local`) and passed its rules. */
export function legArrived(explained: readonly ExplainedLeg[], leg: LegName): boolean {
  return explained.some((e) => e.view.leg === leg && e.view.packet.fate === 'passed' && e.route?.type === 'local');
}

/** What stopped the leg, if anything did. */
export function legStop(explained: readonly ExplainedLeg[], leg: LegName, arrived: boolean): PathStop | null {
  const ofLeg = explained.filter((e) => e.view.leg === leg);
  const decided = ofLeg.find((e) => e.view.packet.fate !== 'passed' && e.view.packet.decidedBy);
  if (decided) {
    const v = decided.view;
    const rule = v.rules[v.packet.steps.indexOf(v.packet.decidedBy!)]!;
    return { node: v.node, leg, kind: 'rule', rule, text: `${v.node}: ${v.packet.fate} by ${describeRule(rule)}` };
  }
  if (arrived) return null;
  const last = ofLeg[ofLeg.length - 1];
  const missing = last?.route?.missing;
  if (!last || !missing) return null;
  return { node: last.view.node, leg, kind: missing, rule: null, text: `${last.view.node}: ${last.route!.lines[last.route!.lines.length - 1]}` };
}

export interface TraceSummaryInput {
  trace: ProbeTrace;
  explained: readonly ExplainedLeg[];
  arrived: { request: boolean; reply: boolean };
  port: number | null;
  errors: readonly string[];
}

export function pathTrace(i: TraceSummaryInput): PathTrace {
  const stop = legStop(i.explained, 'request', i.arrived.request) ?? (i.arrived.request ? legStop(i.explained, 'reply', i.arrived.reply) : null);
  const changes = i.trace.namespaces.flatMap((n) => n.cleanup.changes.map((c) => `${n.node}: ${c}`));
  return {
    protocol: i.trace.flow.protocol,
    port: i.port,
    flow: describeFlow(i.trace.flow),
    answered: i.trace.probe.answered,
    said: i.trace.probe.said,
    hops: i.explained.map(hopWhy),
    stop,
    traced: i.trace.namespaces.map((n) => n.node),
    cleanup: { verified: i.trace.namespaces.every((n) => n.cleanup.verified), changes },
    errors: [...i.trace.namespaces.flatMap((n) => n.errors.map((e) => (e.includes(n.node) ? e : `${n.node}: ${e}`))), ...i.errors],
  };
}
