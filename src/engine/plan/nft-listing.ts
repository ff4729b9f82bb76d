// An nftables table as `nft list table` prints it (nft 1.0.6, the node
// image's and kube-proxy's image's version): sets and maps first, in the
// order they were added, then chains in the order they were added; base
// chains with nft's priority names; elements sorted as nft sorts them.
// Verified line for line against nft in test/integration/kube-proxy-rules.test.ts.

const quote = (s: string) => JSON.stringify(s);

export interface NftSet {
  name: string;
  type: string;
  /** `flags dynamic,timeout` and `timeout 3h` of the affinity sets. */
  flags?: string;
  timeoutSeconds?: number;
  comment?: string;
  elements: string[];
}

export interface NftChain {
  name: string;
  /** Base chains: type, hook and the numeric priority knftables sends. */
  hook?: { type: 'filter' | 'nat'; hook: string; priority: number };
  comment?: string;
  rules: string[];
}

export class NftTable {
  constructor(readonly name: string) {}
  readonly sets: NftSet[] = [];
  readonly chains = new Map<string, NftChain>();
  readonly script: string[] = [];

  chain(name: string, hook?: NftChain['hook'], comment?: string): NftChain {
    let c = this.chains.get(name);
    if (!c) {
      c = { name, ...(hook ? { hook } : {}), ...(comment ? { comment } : {}), rules: [] };
      this.chains.set(name, c);
    }
    return c;
  }

  set(s: Omit<NftSet, 'elements'>): NftSet {
    const set = { ...s, elements: [] };
    this.sets.push(set);
    return set;
  }
}

/** nft's names for the standard priorities of a hook (it prints `dstnat`, `srcnat`, `filter` where they apply). */
function priorityText(hook: NonNullable<NftChain['hook']>): string {
  const named: [string, number][] = hook.hook === 'prerouting' ? [['dstnat', -100], ['filter', 0]] : hook.hook === 'postrouting' ? [['srcnat', 100], ['filter', 0]] : [['filter', 0]];
  for (const [name, value] of named) {
    const delta = hook.priority - value;
    if (delta === 0) return name;
    if (Math.abs(delta) <= 10) return `${name} ${delta < 0 ? '-' : '+'} ${Math.abs(delta)}`;
  }
  return String(hook.priority);
}

/** nft prints a set's timeout in its largest units: 10800s → 3h, 90s → 1m30s. */
export function nftDuration(seconds: number): string {
  const units: [string, number][] = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  let left = seconds;
  let out = '';
  for (const [u, n] of units) {
    if (left >= n) {
      out += `${Math.floor(left / n)}${u}`;
      left %= n;
    }
  }
  return out || '0s';
}

const NFT_DEFAULT_SET_SIZE = 65535;
const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132 };

/** The bytes nft sorts an element's key by: ipv4 4 bytes, a protocol 1, a port 2 (big-endian), concatenated. */
function keyBytes(element: string): number[] {
  const key = element.split(/ comment | : /)[0]!;
  return key.split(' . ').flatMap((part) => {
    if (part.includes('.')) return part.split('.').map(Number);
    if (part in PROTOCOL_NUMBERS) return [PROTOCOL_NUMBERS[part]!];
    const n = Number(part);
    return [n >> 8, n & 0xff];
  });
}

/**
 * nft lists elements sorted (list_expr_sort): a single value by its number, a
 * concatenation by its bytes read as one host-endian (little-endian) number —
 * so the last byte weighs most: `tcp . 30001`, `udp . 30001`, `tcp . 30002`.
 */
export function nftElementOrder(a: string, b: string): number {
  const [x, y] = [keyBytes(a), keyBytes(b)];
  const concat = a.includes(' . ');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [xi, yi] = concat ? [x[x.length - 1 - i] ?? 0, y[y.length - 1 - i] ?? 0] : [x[i] ?? 0, y[i] ?? 0];
    if (xi !== yi) return xi - yi;
  }
  return 0;
}

/** Maps one element a line, address sets two (as nft 1.0.6 prints them). */
function elementLines(kind: 'set' | 'map', elements: readonly string[]): string {
  const sorted = [...elements].sort(nftElementOrder);
  const perLine = kind === 'map' ? 1 : 2;
  const lines: string[] = [];
  for (let i = 0; i < sorted.length; i += perLine) lines.push(sorted.slice(i, i + perLine).join(', '));
  return lines.join(',\n\t\t\t     ');
}

export function listTable(t: NftTable): string {
  const blocks: string[] = [];
  for (const s of t.sets) {
    const kind = s.type.includes(':') ? 'map' : 'set';
    const lines = [`\t${kind} ${s.name} {`, `\t\ttype ${s.type}`];
    // nft gives a dynamic set (one the datapath adds to) its default size.
    if (s.flags?.includes('dynamic')) lines.push(`\t\tsize ${NFT_DEFAULT_SET_SIZE}`);
    if (s.flags) lines.push(`\t\tflags ${s.flags}`);
    if (s.timeoutSeconds) lines.push(`\t\ttimeout ${nftDuration(s.timeoutSeconds)}`);
    if (s.comment) lines.push(`\t\tcomment ${quote(s.comment)}`);
    if (s.elements.length > 0) lines.push(`\t\telements = { ${elementLines(kind, s.elements)} }`);
    lines.push('\t}');
    blocks.push(lines.join('\n'));
  }
  for (const c of t.chains.values()) {
    const lines = [`\tchain ${c.name} {`];
    if (c.comment) lines.push(`\t\tcomment ${quote(c.comment)}`);
    if (c.hook) lines.push(`\t\ttype ${c.hook.type} hook ${c.hook.hook} priority ${priorityText(c.hook)}; policy accept;`);
    for (const r of c.rules) lines.push(`\t\t${r}`);
    lines.push('\t}');
    blocks.push(lines.join('\n'));
  }
  return `table ip ${t.name} {\n\tcomment "rules for kube-proxy"\n${blocks.join('\n\n')}\n}\n`;
}
