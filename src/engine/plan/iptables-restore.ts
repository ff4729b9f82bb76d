// `iptables -t T -N/-P/-A/-I …` argv → one `iptables-restore --noflush`
// input, so a host's rules go in one process instead of one per rule.

export function isIptablesArgv(argv: readonly string[]): boolean {
  return argv[0] === 'iptables' && ['-N', '-P', '-A', '-I'].includes(argv[argv[1] === '-t' ? 3 : 1] ?? '');
}

function restoreQuote(arg: string): string {
  if (/^[^\s"'\\]+$/.test(arg)) return arg;
  if (/["\\]/.test(arg)) throw new Error(`iptables argument cannot be batched: ${arg}`);
  return `"${arg}"`;
}

export function toIptablesRestore(rules: readonly (readonly string[])[]): string {
  const tables = new Map<string, { chains: string[]; rules: string[] }>();
  for (const argv of rules) {
    const hasTable = argv[1] === '-t';
    const table = hasTable ? argv[2]! : 'filter';
    const [op, ...rest] = argv.slice(hasTable ? 3 : 1);
    const t = tables.get(table) ?? { chains: [], rules: [] };
    tables.set(table, t);
    if (op === '-N') t.chains.push(`:${rest[0]} - [0:0]`);
    else if (op === '-P') t.chains.push(`:${rest[0]} ${rest[1]} [0:0]`);
    else t.rules.push([op!, ...rest].map(restoreQuote).join(' '));
  }
  let out = '';
  for (const [table, t] of tables) out += `*${table}\n${[...t.chains, ...t.rules].join('\n')}\nCOMMIT\n`;
  return out;
}
