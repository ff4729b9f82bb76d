// Traces one probe through the namespaces path-namespaces.ts chose, then
// asks each namespace that saw it the route lookup that explains its hop —
// in parallel, one exec per namespace. The trace marks are gone when this
// returns or throws (trace/trace-probe.ts).
import type { PathNamespaces } from './path-namespaces';
import { UNDERLAY_NODE } from './path-namespaces';
import { throwIfAborted } from '../errors';
import { lookupRoutes, type RouteExplanation } from '../trace/route-explain';
import type { TraceFlow } from '../trace/trace-flow';
import type { TraceNamespace } from '../trace/trace-namespace';
import { traceProbe, type ProbeTrace } from '../trace/trace-probe';
import { namespaceLegs, orderLegs } from './traced-hops';
import type { ExplainedLeg } from './traced-why';

export interface LegOrder {
  request: string[];
  reply: string[];
}

/**
 * The namespaces to trace and the order each leg crosses them. The underlay
 * switch only bridges (no IP hook sees its frames): not traced. When the
 * request arrives at a host, its pods are traced too: a DNAT there (a
 * published port) hands the packet on to one of them.
 */
export function traceScope(expected: PathNamespaces, podsOf: (host: string) => readonly string[]): { nodes: string[]; order: LegOrder } {
  const nodes = expected.namespaces.map((n) => n.node).filter((n) => n !== UNDERLAY_NODE);
  const arrival = expected.request.arrives ? expected.request.namespaces[expected.request.namespaces.length - 1]! : null;
  const extra = arrival && arrival.pod === null ? podsOf(arrival.host).map((p) => `${arrival.host}/${p}`).filter((n) => !nodes.includes(n)) : [];
  const request = expected.request.namespaces.map((n) => n.node).filter((n) => n !== UNDERLAY_NODE);
  const reply = expected.reply.namespaces.map((n) => n.node).filter((n) => n !== UNDERLAY_NODE);
  return { nodes: [...nodes, ...extra], order: { request: [...request, ...extra], reply: [...extra, ...reply] } };
}

export interface TracedProbeInput {
  flow: TraceFlow;
  sourceNode: string;
  nodes: readonly string[];
  namespace(node: string): TraceNamespace;
  signal?: AbortSignal;
}

export function runTracedProbe(i: TracedProbeInput): Promise<ProbeTrace> {
  return traceProbe({ flow: i.flow, source: i.namespace(i.sourceNode), namespaces: i.nodes.map((n) => i.namespace(n)), ...(i.signal ? { signal: i.signal } : {}) });
}

/** Every leg's view of every namespace, in causal order, each with its route lookup; and what could not be looked up. */
export async function explainTrace(trace: ProbeTrace, order: LegOrder, namespace: (node: string) => TraceNamespace, signal?: AbortSignal): Promise<{ explained: ExplainedLeg[]; errors: string[] }> {
  const views = orderLegs(namespaceLegs(trace.namespaces), order);
  const nodes = [...new Set(views.map((v) => v.node))];
  const errors: string[] = [];
  const answers = new Map<string, RouteExplanation[]>();
  await Promise.all(
    nodes.map(async (node) => {
      const mine = views.filter((v) => v.node === node);
      try {
        // Quick lookups: no signal, so the namespace may answer over its host's warm channel; a cancel is seen after.
        answers.set(node, await lookupRoutes(namespace(node), mine.map((v) => v.query)));
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }),
  );
  throwIfAborted(signal);
  const explained = views.map((view) => ({ view, route: answers.get(view.node)?.[views.filter((v) => v.node === view.node).indexOf(view)] ?? null }));
  return { explained, errors };
}
