// One traced probe: mark the flow in every namespace the caller names, send
// the probe from its source, and return per namespace what netfilter did to
// each of the flow's packets (rule by rule, with verdicts), what conntrack
// translated, and whether the ruleset is exactly as it was. The marks go
// whatever happens: the probe failing, the caller cancelling, the caller
// itself dying (trace-session-script.ts).
import { randomBytes } from 'node:crypto';
import { ERROR_CODES } from '../../shared/errors';
import { PodnetError, throwIfAborted } from '../errors';
import { netfilterSteps, type TracedPacket } from './netfilter-steps';
import { natTranslation, parseConntrackLines, type ConntrackEntry, type NatTranslation } from './parse-conntrack';
import { parseTraceLines } from './parse-nft-trace';
import { probeCommand, probeOutcome } from './probe-argv';
import { rulesetIndex } from './ruleset-index';
import { rulesetChanges } from './ruleset-state';
import type { SessionOutput } from './session-output';
import type { TraceFlow } from './trace-flow';
import type { TraceNamespace } from './trace-namespace';
import { traceTableCommands, traceTableName } from './trace-table';
import { startTraceSession, type TraceSession } from './trace-session';

export type { TraceNamespace };

export interface TraceProbeInput {
  flow: TraceFlow;
  /** Where the probe is sent from. */
  source: TraceNamespace;
  /** The namespaces the packet can cross (the source too, when its own rules matter). */
  namespaces: readonly TraceNamespace[];
  signal?: AbortSignal;
  /** The trace tables remove themselves after this long, whatever happens (default 60 s). */
  ttlSeconds?: number;
  /** Every namespace is marked and listening: the probe goes now. */
  onProbe?(): void;
}

export interface FlowConnection {
  /** The kernel's id of the connection in this namespace. */
  id: number;
  /** Its last known state (original and reply tuples, TCP state). */
  entry: ConntrackEntry;
  /** What NAT did here, or null. */
  nat: NatTranslation | null;
  /** The conntrack events in order: `NEW SYN_SENT`, `UPDATE ESTABLISHED`, `DESTROY`… */
  history: string[];
}

export interface NamespaceTrace {
  node: string;
  /** The flow's packets as they crossed this namespace, in the order they were first reported. */
  packets: TracedPacket[];
  connections: FlowConnection[];
  /** The ruleset after the trace is the one before it (nothing left behind). */
  cleanup: { verified: boolean; changes: string[] };
  /** Why this namespace could not be traced (fully or in part). */
  errors: string[];
}

export interface ProbeTrace {
  flow: TraceFlow;
  probe: { node: string; argv: string[]; code: number; answered: boolean; said: string };
  namespaces: NamespaceTrace[];
}

const DEFAULT_TTL_S = 60;

function connectionsOf(out: SessionOutput): FlowConnection[] {
  const ids = new Set(out.flowIds);
  const byId = new Map<number, FlowConnection>();
  for (const entry of parseConntrackLines(out.conntrack)) {
    if (entry.id == null || !ids.has(entry.id)) continue;
    const c = byId.get(entry.id) ?? { id: entry.id, entry, nat: null, history: [] };
    // The reply tuple is settled when the connection is confirmed: the first event already has the NAT.
    c.nat ??= natTranslation(entry);
    if (entry.event !== 'DESTROY') c.entry = entry;
    c.history.push([entry.event, entry.state].filter(Boolean).join(' '));
    byId.set(entry.id, c);
  }
  return [...byId.values()];
}

export function namespaceTrace(node: string, table: string, out: SessionOutput): NamespaceTrace {
  const index = rulesetIndex(out.before?.iptablesSave ?? '', out.before?.nftJson ?? '');
  const packets = netfilterSteps(parseTraceLines(out.monitor), table, index);
  const changes = out.before && out.after ? rulesetChanges(out.before, out.after) : ['the ruleset could not be read again after the trace'];
  return { node, packets, connections: connectionsOf(out), cleanup: { verified: changes.length === 0, changes }, errors: [...out.errors] };
}

export async function traceProbe(input: TraceProbeInput): Promise<ProbeTrace> {
  throwIfAborted(input.signal);
  const table = traceTableName(randomBytes(6).toString('hex'));
  const commands = traceTableCommands(table, input.flow);
  const ttlSeconds = input.ttlSeconds ?? DEFAULT_TTL_S;
  const started = await Promise.allSettled(input.namespaces.map((ns) => startTraceSession({ node: ns.node, table, commands, ttlSeconds, spawn: (argv, o) => ns.spawn(argv, o) })));
  const sessions = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const outputs = new Map<TraceSession, SessionOutput>();
  try {
    if (sessions.length === 0) throw (started[0] as PromiseRejectedResult | undefined)?.reason ?? new PodnetError(ERROR_CODES.USAGE, 'no namespace to trace in');
    throwIfAborted(input.signal);
    const probe = probeCommand(input.flow);
    input.onProbe?.();
    const result = await input.source.exec(probe.argv, { ...(probe.stdin !== null ? { stdin: probe.stdin } : {}), ...(input.signal ? { signal: input.signal } : {}) });
    const finished = await Promise.all(sessions.map((s) => s.finish()));
    sessions.forEach((s, i) => outputs.set(s, finished[i]!));
    const namespaces = input.namespaces.map((ns, i): NamespaceTrace => {
      const s = started[i]!;
      if (s.status === 'rejected') {
        const message = s.reason instanceof Error ? s.reason.message : String(s.reason);
        return { node: ns.node, packets: [], connections: [], cleanup: { verified: false, changes: [] }, errors: [message] };
      }
      return namespaceTrace(ns.node, table, outputs.get(s.value)!);
    });
    return { flow: input.flow, probe: { node: input.source.node, argv: probe.argv, code: result.code, ...probeOutcome(input.flow, result) }, namespaces };
  } finally {
    // Failed or cancelled: every session still ends, and with it its table.
    await Promise.all(sessions.filter((s) => !outputs.has(s)).map((s) => s.finish().catch(() => undefined)));
  }
}
