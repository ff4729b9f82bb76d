// `nft monitor trace` lines (nftables 1.0.6, `-a` for rule handles) → events.
// What it prints, per traced packet and chain:
//   trace id 03d5b3e8 ip filter FORWARD packet: iif "vpa" oif "flannel.1" … ip saddr 10.2.1.2 ip daddr 10.2.3.10 … tcp flags == syn …
//   trace id 03d5b3e8 ip filter FORWARD rule  counter packets 78 bytes 4831 jump FLANNEL-FWD # handle 5 (verdict jump FLANNEL-FWD)
//   trace id 842fe17d ip filter FORWARD rule ip daddr 10.2.3.10 counter packets 0 bytes 0 drop # handle 2 (verdict drop)
//   trace id 852c1ac8 ip filter FORWARD policy drop
//   trace id 135dcbc2 ip podnet-trace-… mark-out unknown rule handle 9 (verdict continue)
// `packet:` comes before the first event of each base chain (the packet as
// that hook saw it); a rule event only for a rule that matched; a rule that
// iptables-nft built from xt matches (-m comment, -m addrtype) shows only
// the native part (the blank before `counter` is where the comment was).

export type TraceVerdict = 'continue' | 'accept' | 'drop' | 'jump' | 'goto' | 'return' | 'queue' | 'stolen' | 'break';

export interface TracePacketFields {
  iif: string | null;
  oif: string | null;
  src: string | null;
  dst: string | null;
  /** icmp, tcp, udp, or the number nft printed. */
  protocol: string | null;
  srcPort: number | null;
  dstPort: number | null;
  /** tcp: the flags set (`syn`, `ack`, `rst`, `fin`, `psh`, `urg`, `ecn`, `cwr`). */
  tcpFlags: string[];
  /** icmp: `echo-request`, `destination-unreachable`… and the code (`port-unreachable`…). */
  icmpType: string | null;
  icmpCode: string | null;
  /** Everything after `packet:` as nft printed it. */
  text: string;
}

interface EventBase {
  /** The kernel's id of the packet in this namespace (8 hex digits). */
  packetId: string;
  family: string;
  table: string;
  chain: string;
}

export type NftTraceEvent =
  | (EventBase & { kind: 'packet'; packet: TracePacketFields })
  /** `rule` is nft's text of the rule (null when nft could not name it: `unknown rule`). */
  | (EventBase & { kind: 'rule'; handle: number | null; rule: string | null; verdict: TraceVerdict; target: string | null })
  | (EventBase & { kind: 'policy'; verdict: TraceVerdict })
  | (EventBase & { kind: 'return'; verdict: TraceVerdict | null });

const HEAD = /^trace id ([0-9a-f]{8}) (\S+) (\S+) (\S+) (packet: |rule |unknown rule |policy |return )(.*)$/;
const VERDICT_TAIL = /\s*\(verdict (\w+)(?: (\S+))?\)\s*$/;
const HANDLE_TAIL = /\s*# handle (\d+)\s*$/;
const VERDICTS = new Set<TraceVerdict>(['continue', 'accept', 'drop', 'jump', 'goto', 'return', 'queue', 'stolen', 'break']);
const TCP_FLAG_BITS: [string, number][] = [['fin', 0x01], ['syn', 0x02], ['rst', 0x04], ['psh', 0x08], ['ack', 0x10], ['urg', 0x20], ['ecn', 0x40], ['cwr', 0x80]];

function verdictOf(word: string | undefined): TraceVerdict | null {
  return word && VERDICTS.has(word as TraceVerdict) ? (word as TraceVerdict) : null;
}

/** `syn`, `0x12`, `syn | ack` → the flag names. */
export function tcpFlagNames(text: string): string[] {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) {
    const bits = parseInt(t, 16);
    return TCP_FLAG_BITS.filter(([, b]) => bits & b).map(([n]) => n);
  }
  return t.split(/\s*[|,]\s*/).filter((n) => TCP_FLAG_BITS.some(([f]) => f === n));
}

/** Counters change on every packet and say nothing about the rule: `counter packets 7 bytes 420` → `counter`. */
export function withoutCounters(rule: string): string {
  return rule.replace(/\bcounter packets \d+ bytes \d+/g, 'counter').replace(/\s+/g, ' ').trim();
}

export function parsePacketFields(text: string): TracePacketFields {
  const word = (re: RegExp) => re.exec(text)?.[1] ?? null;
  const num = (re: RegExp) => {
    const v = word(re);
    return v === null ? null : Number(v);
  };
  const l4 = word(/\b(tcp|udp|icmp|sctp) /);
  const flags = /\btcp flags == (0x[0-9a-f]+|[a-z]+(?: \| [a-z]+)*)/.exec(text)?.[1];
  return {
    iif: word(/\biif "([^"]*)"/),
    oif: word(/\boif "([^"]*)"/),
    src: word(/\bip saddr (\S+)/),
    dst: word(/\bip daddr (\S+)/),
    protocol: l4 ?? word(/\bip protocol (\S+)/),
    srcPort: num(/\b(?:tcp|udp|sctp) sport (\d+)/),
    dstPort: num(/\b(?:tcp|udp|sctp) dport (\d+)/),
    tcpFlags: flags ? tcpFlagNames(flags) : [],
    icmpType: word(/\bicmp type (\S+)/),
    icmpCode: word(/\bicmp code (\S+)/),
    text: text.trim(),
  };
}

/** One monitor line → an event, or null for anything else (ruleset changes, `# new generation …`). */
export function parseTraceLine(line: string): NftTraceEvent | null {
  const m = HEAD.exec(line);
  if (!m) return null;
  const [, packetId, family, table, chain, kind, rest] = m as unknown as [string, string, string, string, string, string, string];
  const base = { packetId, family, table, chain };
  switch (kind) {
    case 'packet: ':
      return { ...base, kind: 'packet', packet: parsePacketFields(rest) };
    case 'policy ': {
      const verdict = verdictOf(rest.trim().split(/\s+/)[0]);
      return verdict ? { ...base, kind: 'policy', verdict } : null;
    }
    case 'return ': {
      const v = VERDICT_TAIL.exec(rest);
      return { ...base, kind: 'return', verdict: verdictOf(v?.[1] ?? rest.trim().split(/\s+/)[0]) };
    }
    default: {
      const v = VERDICT_TAIL.exec(rest);
      const verdict = verdictOf(v?.[1]);
      if (!v || !verdict) return null;
      let body = rest.slice(0, v.index);
      if (kind === 'unknown rule ') {
        const h = /^handle (\d+)$/.exec(body.trim());
        return { ...base, kind: 'rule', handle: h ? Number(h[1]) : null, rule: null, verdict, target: v[2] ?? null };
      }
      const h = HANDLE_TAIL.exec(body);
      if (h) body = body.slice(0, h.index);
      return { ...base, kind: 'rule', handle: h ? Number(h[1]) : null, rule: withoutCounters(body), verdict, target: v[2] ?? null };
    }
  }
}

export function parseTraceLines(lines: readonly string[]): NftTraceEvent[] {
  return lines.flatMap((l) => {
    const e = parseTraceLine(l);
    return e ? [e] : [];
  });
}
