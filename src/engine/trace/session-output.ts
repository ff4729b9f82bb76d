// What a trace session printed (trace-session-script.ts) → its parts: the
// ruleset before and after, the monitor's lines, the flow's conntrack ids
// and `conntrack -E` lines, and what the script itself reported.
import { SAY } from './trace-session-script';

export interface RulesetText {
  /** `iptables-save` as printed (empty where no iptables table exists). */
  iptablesSave: string;
  /** `nft -a -j list ruleset`: one JSON document (empty if nft printed nothing). */
  nftJson: string;
}

export interface SessionOutput {
  before: RulesetText | null;
  after: RulesetText | null;
  /** Lines of `nft -a monitor`, in the order it printed them. */
  monitor: string[];
  ready: boolean;
  /** Conntrack ids of the traced flow (from the trace table's set). */
  flowIds: number[];
  /** `conntrack -E -o id` lines of the namespace while the trace ran (every connection's, not only the flow's). */
  conntrack: string[];
  /** The table's time ran out before it was told to stop. */
  expired: boolean;
  /** The script got to its end. */
  ended: boolean;
  errors: string[];
}

type Section = 'none' | 'before' | 'before-nft' | 'after' | 'after-nft' | 'monitor' | 'flows';
const SECTIONS = new Set<string>(['before', 'before-nft', 'after', 'after-nft', 'monitor', 'flows']);
const CONNTRACK_EVENT = /^\s*\[(NEW|UPDATE|DESTROY)\] /;

function flowIdsOf(json: string): number[] {
  if (!json.trim()) return [];
  try {
    const doc = JSON.parse(json) as { nftables?: { set?: { elem?: unknown[] } }[] };
    const elems = doc.nftables?.find((o) => o.set)?.set?.elem ?? [];
    return elems.flatMap((e) => {
      const v = typeof e === 'number' ? e : (e as { elem?: { val?: unknown } }).elem?.val;
      return typeof v === 'number' ? [v] : [];
    });
  } catch {
    return [];
  }
}

export function parseSessionOutput(text: string): SessionOutput {
  const out: SessionOutput = { before: null, after: null, monitor: [], ready: false, flowIds: [], conntrack: [], expired: false, ended: false, errors: [] };
  const buffers: Record<'before' | 'before-nft' | 'after' | 'after-nft' | 'flows', string[]> = { before: [], 'before-nft': [], after: [], 'after-nft': [], flows: [] };
  let section: Section = 'none';
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.startsWith(SAY)) {
      const said = line.slice(SAY.length);
      const [word, ...rest] = said.split(' ');
      if (SECTIONS.has(word!)) {
        section = word as Section;
        seen.add(section);
      }
      else if (word === 'ready') out.ready = true;
      else if (word === 'expired') out.expired = true;
      else if (word === 'end') out.ended = true;
      else if (word === 'error') out.errors.push(rest.join(' '));
      continue;
    }
    if (CONNTRACK_EVENT.test(line)) out.conntrack.push(line.trim());
    else if (section === 'monitor') {
      if (line) out.monitor.push(line);
    } else if (section !== 'none') buffers[section].push(line);
  }
  const ruleset = (save: string[], nft: string[]): RulesetText => ({ iptablesSave: save.join('\n').trim(), nftJson: nft.join('\n').trim() });
  if (seen.has('before-nft')) out.before = ruleset(buffers.before, buffers['before-nft']);
  if (seen.has('after-nft') && out.ended) out.after = ruleset(buffers.after, buffers['after-nft']);
  out.flowIds = flowIdsOf(buffers.flows.join('\n'));
  return out;
}
