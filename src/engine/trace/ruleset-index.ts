// A traced rule (family, table, chain, handle) → its text as `iptables-save`
// prints it, for the tables iptables-nft manages. The trace names a rule by
// its nft handle; `nft -a -j list ruleset` gives every chain's handles in
// order and `iptables-save` the same chain's rules in the same (kernel)
// order, so the n-th handle is the n-th `-A <chain>` line. Where the two do
// not agree on a chain (a table iptables cannot print, a rule added between
// the two reads), nothing is mapped and the caller keeps nft's text.

export interface IptablesChains {
  /** table → chain → its `-A` lines, in order. */
  tables: Map<string, Map<string, string[]>>;
  /** table → chain → policy (`ACCEPT`, `DROP`) for built-in chains. */
  policies: Map<string, Map<string, string>>;
}

export function parseIptablesChains(text: string): IptablesChains {
  const tables = new Map<string, Map<string, string[]>>();
  const policies = new Map<string, Map<string, string>>();
  let table: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      table = line.slice(1);
      tables.set(table, new Map());
      policies.set(table, new Map());
    } else if (table && line.startsWith(':')) {
      const [chain, policy] = line.slice(1).split(/\s+/);
      if (!chain) continue;
      tables.get(table)!.set(chain, tables.get(table)!.get(chain) ?? []);
      if (policy && policy !== '-') policies.get(table)!.set(chain, policy);
    } else if (table && line.startsWith('-A ')) {
      const chain = line.split(/\s+/)[1]!;
      const rules = tables.get(table)!;
      rules.set(chain, [...(rules.get(chain) ?? []), line]);
    }
  }
  return { tables, policies };
}

interface NftJsonRule {
  family?: string;
  table?: string;
  chain?: string;
  handle?: number;
}

/** family → table → chain → rule handles in order, from `nft -a -j list ruleset`. */
export function parseNftHandles(json: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (!json.trim()) return out;
  let doc: { nftables?: { rule?: NftJsonRule }[] };
  try {
    doc = JSON.parse(json) as typeof doc;
  } catch {
    return out;
  }
  for (const item of doc.nftables ?? []) {
    const r = item.rule;
    if (!r || r.handle == null || !r.family || !r.table || !r.chain) continue;
    const key = chainKey(r.family, r.table, r.chain);
    out.set(key, [...(out.get(key) ?? []), r.handle]);
  }
  return out;
}

const chainKey = (family: string, table: string, chain: string) => `${family}\0${table}\0${chain}`;

export interface RulesetIndex {
  /** The `iptables-save` line of a traced rule, or null when the rule is not iptables'. */
  iptablesRule(family: string, table: string, chain: string, handle: number | null): string | null;
  /** Its position in the chain (1 = first, as `iptables -L --line-numbers` counts), or null. */
  iptablesRulePosition(family: string, table: string, chain: string, handle: number | null): number | null;
  /** The policy of a built-in iptables chain (`DROP`), or null. */
  iptablesPolicy(family: string, table: string, chain: string): string | null;
}

export function rulesetIndex(iptablesSave: string, nftJson: string): RulesetIndex {
  const ipt = parseIptablesChains(iptablesSave);
  const handles = parseNftHandles(nftJson);
  const indexOf = (family: string, table: string, chain: string, handle: number | null): { lines: string[]; i: number } | null => {
    if (family !== 'ip' || handle == null) return null;
    const lines = ipt.tables.get(table)?.get(chain);
    const order = handles.get(chainKey(family, table, chain));
    if (!lines || !order || lines.length !== order.length) return null;
    const i = order.indexOf(handle);
    return i < 0 ? null : { lines, i };
  };
  return {
    iptablesRule(family, table, chain, handle) {
      const at = indexOf(family, table, chain, handle);
      return at ? at.lines[at.i]! : null;
    },
    iptablesRulePosition(family, table, chain, handle) {
      const at = indexOf(family, table, chain, handle);
      return at ? at.i + 1 : null;
    },
    iptablesPolicy(family, table, chain) {
      return family === 'ip' ? (ipt.policies.get(table)?.get(chain) ?? null) : null;
    },
  };
}
