// Rules as iptables-save prints them, and the iptables-restore input that
// reproduces them on a host that already has other rules.
//
// Rule text is written in iptables-save's canonical form (addresses with
// their prefix, `-s`/`-d`/`-p` before the matches, comments quoted as
// xtables_save_string quotes them): that text is valid restore input, and
// iptables-save prints it back unchanged — the lab's plan shows what the
// learner will read on the host.
//
// iptables-restore --noflush appends (`-A`); a rule that must sit at the head
// of a built-in chain, as a program's `iptables -I` puts it there, is written
// `-I <chain> 1 …` in the order the program inserted them (so the last one
// inserted ends up first, as on a real host).

export type IptablesTableName = 'raw' | 'mangle' | 'nat' | 'filter';

export interface IptablesRuleLine {
  chain: string;
  /** Everything after `-A <chain> ` in iptables-save's form. */
  spec: string;
}

export interface IptablesTableRules {
  table: IptablesTableName;
  /** User chains the writer declares (`:NAME - [0:0]`; with --noflush this flushes them). */
  chains: string[];
  /** Rules inserted at the head of their chain, in the order they were inserted. */
  inserts: IptablesRuleLine[];
  /** Rules appended, in order. */
  rules: IptablesRuleLine[];
}

export const BUILTIN_CHAINS: Readonly<Record<IptablesTableName, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const SAFE = /^[A-Za-z0-9_-]+$/;

/** A string argument as iptables-save writes it (xtables_save_string): bare if safe, else quoted with \ escapes. */
export function saveString(value: string): string {
  return SAFE.test(value) ? value : `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

/** `-m comment --comment "…"` */
export const commentMatch = (text: string): string => `-m comment --comment ${saveString(text)}`;

/** The `iptables-restore --noflush` input for some tables. */
export function restoreInput(tables: readonly IptablesTableRules[]): string {
  let out = '';
  for (const t of tables) {
    out += `*${t.table}\n`;
    for (const c of t.chains) out += `:${c} - [0:0]\n`;
    for (const r of t.inserts) out += `-I ${r.chain} 1 ${r.spec}\n`;
    for (const r of t.rules) out += `-A ${r.chain} ${r.spec}\n`;
    out += 'COMMIT\n';
  }
  return out;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What `iptables-save` prints for these tables on a host that has nothing
 * else, without the built-in chains' policy lines: user chains sorted by
 * name, then the rules chain by chain (built-in chains first, in the kernel's
 * order; inserted rules in reverse order of insertion, before appended ones).
 */
export function saveView(tables: readonly IptablesTableRules[]): string {
  let out = '';
  for (const t of tables) {
    out += `*${t.table}\n`;
    const chains = [...new Set(t.chains)].sort(byString);
    for (const c of chains) out += `:${c} - [0:0]\n`;
    const byChain = new Map<string, string[]>();
    for (const r of [...t.inserts].reverse().concat(t.rules)) {
      const list = byChain.get(r.chain) ?? [];
      list.push(r.spec);
      byChain.set(r.chain, list);
    }
    for (const c of [...BUILTIN_CHAINS[t.table], ...chains]) for (const spec of byChain.get(c) ?? []) out += `-A ${c} ${spec}\n`;
    out += 'COMMIT\n';
  }
  return out;
}
