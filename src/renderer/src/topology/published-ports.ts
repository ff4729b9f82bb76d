// Published ports from the observed nat table: Docker's DNAT rules
// (`-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80`).
export interface PublishedPort {
  protocol: string;
  port: number;
  toAddress: string;
  toPort: number | null;
  rule: string;
}

export function publishedPorts(natRules: readonly string[]): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const rule of natRules) {
    if (!rule.startsWith('-A ') || !/ -j DNAT\b/.test(rule)) continue;
    const dport = / --dport (\d+)\b/.exec(rule);
    const to = / --to-destination ([\d.]+)(?::(\d+))?/.exec(rule);
    if (!dport || !to) continue;
    out.push({
      protocol: / -p (\w+)/.exec(rule)?.[1] ?? 'all',
      port: Number(dport[1]),
      toAddress: to[1]!,
      toPort: to[2] ? Number(to[2]) : null,
      rule,
    });
  }
  return out;
}
