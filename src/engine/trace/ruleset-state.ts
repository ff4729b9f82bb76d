// Is a namespace's ruleset what it was before the trace? `iptables-save`
// and `nft -a -j list ruleset` compared without what changes by itself:
// packet counters, the `# Generated … on <date>` comments, nft's version
// line and the expiry countdown of dynamic set elements.
import type { RulesetText } from './session-output';

export function iptablesLines(save: string): string[] {
  return save
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/\s\[\d+:\d+\]$/, '').replace(/^\[\d+:\d+\]\s/, ''));
}

function stripVolatile(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripVolatile);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'expires') continue;
      out[k] = k === 'counter' ? null : stripVolatile(x);
    }
    return out;
  }
  return v;
}

/** Every nft object (table, chain, rule, set, …) as one comparable line. */
export function nftObjects(json: string): string[] {
  if (!json.trim()) return [];
  let doc: { nftables?: Record<string, unknown>[] };
  try {
    doc = JSON.parse(json) as typeof doc;
  } catch {
    return [`unreadable: ${json.slice(0, 200)}`];
  }
  return (doc.nftables ?? []).filter((o) => !('metainfo' in o)).map((o) => JSON.stringify(stripVolatile(o)));
}

function difference(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const count = new Map<string, number>();
  for (const l of before) count.set(l, (count.get(l) ?? 0) + 1);
  const added: string[] = [];
  for (const l of after) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else added.push(l);
  }
  const removed = [...count].flatMap(([l, n]) => Array<string>(n).fill(l));
  return { added, removed };
}

/** What differs between two readings of a namespace's rules (empty: the same). */
export function rulesetChanges(before: RulesetText, after: RulesetText): string[] {
  const ipt = difference(iptablesLines(before.iptablesSave), iptablesLines(after.iptablesSave));
  const nft = difference(nftObjects(before.nftJson), nftObjects(after.nftJson));
  return [
    ...ipt.added.map((l) => `iptables-save has a new line: ${l}`),
    ...ipt.removed.map((l) => `iptables-save lost a line: ${l}`),
    ...nft.added.map((l) => `nft has a new object: ${l}`),
    ...nft.removed.map((l) => `nft lost an object: ${l}`),
  ];
}
