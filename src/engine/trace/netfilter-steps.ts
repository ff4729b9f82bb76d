// One namespace's trace events → the traced packets, each with every
// netfilter step it took in order: table, chain, the rule as `iptables-save`
// prints it (iptables-nft's tables) or as nft prints it (native tables such
// as kube-proxy's), and the verdict. The trace table's own chains are left
// out; they only tell which packets are the flow's (another trace running at
// the same time marks other packets, which never pass through this table).
import type { NftTraceEvent, TracePacketFields, TraceVerdict } from './parse-nft-trace';
import type { RulesetIndex } from './ruleset-index';
import { TRACE_CHAINS } from './trace-table';

/** What a step did to the packet: the kernel's verdict, with `reject` told apart from a plain drop. */
export type StepVerdict = Exclude<TraceVerdict, 'break'> | 'reject';

export interface NetfilterStep {
  family: string;
  table: string;
  chain: string;
  /** `rule`: a rule matched; `policy`: no rule decided and the base chain's policy did. */
  kind: 'rule' | 'policy';
  /** The rule's text (a policy: `:FORWARD DROP` for iptables' chains, `policy drop` for nft's; null when nft could not print the rule). */
  rule: string | null;
  /** Whose text `rule` is: `iptables` (as iptables-save prints it) or `nft`. */
  syntax: 'iptables' | 'nft' | null;
  handle: number | null;
  /** An iptables rule's position in its chain (1 = first); null for nft's rules and policies. */
  position: number | null;
  verdict: StepVerdict;
  /** jump/goto: the chain it went to. */
  target: string | null;
  /** The packet as this chain's hook saw it (addresses after any NAT before it). */
  packet: TracePacketFields | null;
}

/** What the packet is to the flow: the probe's request, the answer, an ICMP error about it, or a TCP reset. */
export type PacketRole = 'request' | 'reply' | 'error' | 'reset' | 'other';

export interface TracedPacket {
  /** The kernel's trace id of the packet here. */
  id: string;
  role: PacketRole;
  /** The packet when it was first reported in this namespace. */
  packet: TracePacketFields | null;
  steps: NetfilterStep[];
  /** How netfilter let it go: `dropped`/`rejected` by the step that says so, else `passed`. */
  fate: 'passed' | 'dropped' | 'rejected';
  /** The step that dropped or rejected it. */
  decidedBy: NetfilterStep | null;
}

/**
 * The role from the packet's own fields; `marked`: it carried the flow's
 * marker (the only way to tell a UDP request from its answer).
 */
export function packetRole(p: TracePacketFields | null, marked: boolean): PacketRole {
  if (!p) return 'other';
  if (p.protocol === 'icmp') return p.icmpType === 'echo-request' ? 'request' : p.icmpType === 'echo-reply' ? 'reply' : 'error';
  if (p.protocol === 'tcp') {
    if (p.tcpFlags.includes('rst')) return 'reset';
    if (p.tcpFlags.includes('syn')) return p.tcpFlags.includes('ack') ? 'reply' : 'request';
    return 'other';
  }
  if (p.protocol === 'udp') return marked ? 'request' : 'reply';
  return 'other';
}

const ipIdOf = (text: string): string | null => /\bip id (\d+)\b/.exec(text)?.[1] ?? null;

const isReject = (rule: string | null) => rule !== null && (/(^|\s)-j REJECT\b/.test(rule) || /(^|\s)reject(\s|$)/.test(rule));

/** Which stage of the trace table a chain is: 1 marks (first of all hooks), 2 follows conntrack. */
function ownStage(chain: string): 1 | 2 {
  return chain === TRACE_CHAINS.markIn || chain === TRACE_CHAINS.markOut ? 1 : 2;
}

function stepOf(e: NftTraceEvent, index: RulesetIndex, packet: TracePacketFields | null): NetfilterStep | null {
  if (e.kind === 'rule') {
    const iptables = index.iptablesRule(e.family, e.table, e.chain, e.handle);
    const rule = iptables ?? e.rule;
    const verdict: StepVerdict = e.verdict === 'drop' && isReject(rule) ? 'reject' : e.verdict === 'break' ? 'continue' : e.verdict;
    const position = iptables ? index.iptablesRulePosition(e.family, e.table, e.chain, e.handle) : null;
    return { family: e.family, table: e.table, chain: e.chain, kind: 'rule', rule, syntax: iptables ? 'iptables' : rule ? 'nft' : null, handle: e.handle, position, verdict, target: e.target, packet };
  }
  if (e.kind === 'policy') {
    const verdict: StepVerdict = e.verdict === 'break' ? 'continue' : e.verdict;
    // A built-in iptables chain's policy as iptables-save prints it (without its counters), else nft's words.
    const policy = index.iptablesPolicy(e.family, e.table, e.chain);
    const rule = policy ? `:${e.chain} ${policy}` : `policy ${verdict}`;
    return { family: e.family, table: e.table, chain: e.chain, kind: 'policy', rule, syntax: policy ? 'iptables' : 'nft', handle: null, position: null, verdict, target: null, packet };
  }
  return null;
}

export function netfilterSteps(events: readonly NftTraceEvent[], ownTable: string, index: RulesetIndex): TracedPacket[] {
  interface Open {
    packet: TracedPacket;
    stage: number;
    marked: boolean;
    /** The packet as the current chain walk saw it. */
    current: TracePacketFields | null;
  }
  const open = new Map<string, Open>();
  const done: TracedPacket[] = [];
  const ours = new Set<TracedPacket>();
  const opened: Open[] = [];
  const continued = (p: TracePacketFields): Open | undefined => {
    const id = ipIdOf(p.text);
    if (id === null) return undefined;
    return [...opened].reverse().find((x) => ours.has(x.packet) && x.packet.packet?.protocol === p.protocol && ipIdOf(x.packet.packet.text) === id);
  };
  for (const e of events) {
    const own = e.table === ownTable;
    let o = open.get(e.packetId);
    // A packet meets the trace table first in every hook (a `packet:` line opens each chain);
    // entering it again at the same or an earlier stage means the kernel reused the id for a new packet.
    if (own && e.kind === 'packet' && o && o.stage >= ownStage(e.chain)) o = undefined;
    // The kernel gives a packet a new trace id when its buffer is replaced on the way (a bridge with
    // br_netfilter, as Docker's hosts have it: PREROUTING under one id, FORWARD and POSTROUTING under
    // another). A chain of another table that opens under an id not seen yet continues the flow's packet
    // with the same IP id and protocol, the latest one first.
    if (!o && !own && e.kind === 'packet') o = continued(e.packet);
    if (o) open.set(e.packetId, o);
    if (!o) {
      o = { packet: { id: e.packetId, role: 'other', packet: null, steps: [], fate: 'passed', decidedBy: null }, stage: 0, marked: false, current: null };
      open.set(e.packetId, o);
      opened.push(o);
      done.push(o.packet);
    }
    if (e.kind === 'packet') {
      o.current = e.packet;
      o.packet.packet ??= e.packet;
      if (own) o.stage = Math.max(o.stage, ownStage(e.chain));
      continue;
    }
    if (own) {
      if (e.kind === 'rule') {
        ours.add(o.packet);
        if (ownStage(e.chain) === 1) o.marked = true;
        o.packet.role = packetRole(o.packet.packet, o.marked);
      }
      continue;
    }
    const step = stepOf(e, index, o.current);
    if (!step) continue;
    o.packet.steps.push(step);
    if (step.verdict === 'drop' || step.verdict === 'reject') {
      o.packet.fate = step.verdict === 'drop' ? 'dropped' : 'rejected';
      o.packet.decidedBy = step;
    }
  }
  return done.filter((p) => ours.has(p));
}
