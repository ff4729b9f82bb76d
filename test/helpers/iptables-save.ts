// Comparing rule sets the way iptables-save prints them: per table, the
// user chains (and built-in chains whose policy is not ACCEPT), then the
// rules in order. Expected sets live in test/fixtures/iptables/*.txt; the
// real ones come from `iptables-save` on a lab host, the planned ones from
// a plan's iptables argv (built-in chains first, user chains alphabetically,
// `-I` at the head of its chain — what iptables-save would print after them).
import { readFileSync } from 'node:fs';

export type RuleSet = Record<string, string[]>;

const BUILTIN = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

/** iptables-save text (or a fixture) → rule set: no comments, COMMIT, counters or ACCEPT-policy built-in chains. */
export function ruleSet(text: string): RuleSet {
  const out: RuleSet = {};
  let table: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/\[\d+:\d+\]$/, '[0:0]');
    if (line === '' || line.startsWith('#') || line === 'COMMIT') continue;
    if (line.startsWith('*')) table = out[line.slice(1)] ??= [];
    else if (table && !(line.startsWith(':') && BUILTIN.includes(line.slice(1).split(' ')[0]!) && line.includes(' ACCEPT '))) table.push(line);
  }
  for (const [name, lines] of Object.entries(out)) if (lines.length === 0) delete out[name];
  return out;
}

export function fixtureRuleSet(name: string): RuleSet {
  return ruleSet(readFileSync(new URL(`../fixtures/iptables/${name}.txt`, import.meta.url), 'utf8'));
}

const quote = (arg: string) => (/\s/.test(arg) ? `"${arg}"` : arg);

/** `iptables -t T -N/-P/-A/-I …` argvs (a plan's steps) → the rule set iptables-save would print. */
export function plannedRuleSet(argvs: readonly (readonly string[])[]): RuleSet {
  const tables = new Map<string, { chains: Map<string, string>; rules: Map<string, string[]> }>();
  for (const argv of argvs) {
    if (argv[0] !== 'iptables') continue;
    const hasTable = argv[1] === '-t';
    const name = hasTable ? argv[2]! : 'filter';
    const [op, chain, ...rest] = argv.slice(hasTable ? 3 : 1);
    if (!chain) continue;
    const t = tables.get(name) ?? { chains: new Map(), rules: new Map() };
    tables.set(name, t);
    const rules = t.rules.get(chain) ?? [];
    t.rules.set(chain, rules);
    if (op === '-N') t.chains.set(chain, `:${chain} - [0:0]`);
    else if (op === '-P') t.chains.set(chain, `:${chain} ${rest[0]} [0:0]`);
    else if (op === '-A') rules.push(['-A', chain, ...rest.map(quote)].join(' '));
    else if (op === '-I') rules.unshift(['-A', chain, ...rest.map(quote)].join(' '));
  }
  const rank = (chain: string) => (BUILTIN.includes(chain) ? `0${BUILTIN.indexOf(chain)}` : `1${chain}`);
  const out: RuleSet = {};
  for (const [name, t] of tables) {
    const chains = [...t.rules.keys(), ...t.chains.keys()].filter((c, i, all) => all.indexOf(c) === i).sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
    const lines = [...chains.flatMap((c) => (t.chains.has(c) && !(BUILTIN.includes(c) && t.chains.get(c)!.includes(' ACCEPT ')) ? [t.chains.get(c)!] : [])), ...chains.flatMap((c) => t.rules.get(c) ?? [])];
    if (lines.length) out[name] = lines;
  }
  return out;
}
