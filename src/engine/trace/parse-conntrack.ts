// `conntrack -E -o id` / `conntrack -L -o id` lines (conntrack-tools 1.4.7)
// → connections with their original and reply tuples, and what NAT did:
//    [NEW] tcp      6 120 SYN_SENT src=10.2.3.10 dst=192.168.100.1 sport=28170 dport=8080 [UNREPLIED] src=10.2.1.2 dst=10.2.3.10 sport=80 dport=28170 id=3592749313
//    [NEW] icmp     1 30 src=10.2.1.2 dst=192.168.100.2 type=8 code=0 id=2705 [UNREPLIED] src=192.168.100.2 dst=192.168.100.1 type=0 code=0 id=1425 id=172485009
// The reply tuple is what the kernel expects back: its source is where the
// packet really went (DNAT), its destination where the answer must go (SNAT).

export interface ConntrackTuple {
  src: string;
  dst: string;
  /** tcp/udp ports; for icmp the echo id in both (NAT may change it, as it changes ports). */
  sport: number | null;
  dport: number | null;
}

export interface ConntrackEntry {
  /** NEW, UPDATE, DESTROY for events; null for `conntrack -L` lines. */
  event: 'NEW' | 'UPDATE' | 'DESTROY' | null;
  protocol: string;
  /** TCP's state (SYN_SENT, ESTABLISHED, CLOSE…), null for the others. */
  state: string | null;
  original: ConntrackTuple;
  reply: ConntrackTuple;
  /** The kernel's id of the connection (what `ct id` matches). */
  id: number | null;
  flags: string[];
}

const TUPLE_KEYS: Record<string, readonly string[]> = { icmp: ['src', 'dst', 'type', 'code', 'id'] };
const PORT_TUPLE = ['src', 'dst', 'sport', 'dport'];

function tupleOf(fields: Map<string, string>, protocol: string): ConntrackTuple | null {
  const src = fields.get('src');
  const dst = fields.get('dst');
  if (!src || !dst) return null;
  const num = (k: string) => (fields.has(k) ? Number(fields.get(k)) : null);
  if (protocol === 'icmp') return { src, dst, sport: num('id'), dport: num('id') };
  return { src, dst, sport: num('sport'), dport: num('dport') };
}

export function parseConntrackLine(line: string): ConntrackEntry | null {
  let rest = line.trim();
  let event: ConntrackEntry['event'] = null;
  const e = /^\[(NEW|UPDATE|DESTROY)\]\s+/.exec(rest);
  if (e) {
    event = e[1] as ConntrackEntry['event'];
    rest = rest.slice(e[0].length);
  }
  const words = rest.split(/\s+/);
  const protocol = words[0];
  if (!protocol || !/^\d+$/.test(words[1] ?? '')) return null;
  const tupleKeys = TUPLE_KEYS[protocol] ?? PORT_TUPLE;
  // After the protocol's name and number: the timeout, TCP's state, then the original tuple,
  // the reply tuple (each `key=value`, [FLAGS] between), then mark=, use=, id= (the connection's).
  const tuples = [new Map<string, string>(), new Map<string, string>()];
  const flags: string[] = [];
  let state: string | null = null;
  let id: number | null = null;
  let t = 0;
  for (const w of words.slice(2)) {
    if (/^\[[A-Z]+\]$/.test(w)) {
      flags.push(w.slice(1, -1));
      continue;
    }
    const eq = w.indexOf('=');
    if (eq < 0) {
      if (t === 0 && /^[A-Z_]+$/.test(w)) state = w;
      continue;
    }
    const key = w.slice(0, eq);
    const value = w.slice(eq + 1);
    if (t < 2 && tuples[t]!.has(key)) t++;
    if (t < 2 && tupleKeys.includes(key)) tuples[t]!.set(key, value);
    else {
      t = 2;
      if (key === 'id') id = Number(value);
    }
  }
  const original = tupleOf(tuples[0]!, protocol);
  const reply = tupleOf(tuples[1]!, protocol);
  if (!original || !reply) return null;
  return { event, protocol, state, original, reply, id, flags };
}

export function parseConntrackLines(lines: readonly string[]): ConntrackEntry[] {
  return lines.flatMap((l) => {
    const c = parseConntrackLine(l);
    return c ? [c] : [];
  });
}

export interface NatTranslation {
  /** The flow as it arrived here, and as it left after NAT (both as `src:port → dst:port`). */
  before: ConntrackTuple;
  after: ConntrackTuple;
  dnat: boolean;
  snat: boolean;
  /** `10.2.1.2:41236 → 10.96.100.10:80 became 10.2.1.2:41236 → 10.2.3.10:80`. */
  text: string;
}

const endpoint = (addr: string, port: number | null, protocol: string) => (port == null ? addr : protocol === 'icmp' ? `${addr} (icmp id ${port})` : `${addr}:${port}`);

export function formatTuple(t: ConntrackTuple, protocol: string): string {
  if (protocol === 'icmp') return `${t.src} → ${t.dst}${t.sport != null ? ` (icmp id ${t.sport})` : ''}`;
  return `${endpoint(t.src, t.sport, protocol)} → ${endpoint(t.dst, t.dport, protocol)}`;
}

/** What NAT did to a connection here, or null when it kept its addresses and ports. */
export function natTranslation(c: ConntrackEntry): NatTranslation | null {
  const o = c.original;
  const r = c.reply;
  // For icmp the echo id is one number: the reply tuple carries it where the request's source port would be.
  const dnat = r.src !== o.dst || (c.protocol !== 'icmp' && r.sport !== o.dport);
  const snat = r.dst !== o.src || r.dport !== o.sport;
  if (!dnat && !snat) return null;
  const after: ConntrackTuple = { src: r.dst, dst: r.src, sport: r.dport, dport: c.protocol === 'icmp' ? r.dport : r.sport };
  return { before: o, after, dnat, snat, text: `${formatTuple(o, c.protocol)} became ${formatTuple(after, c.protocol)}` };
}
