// A check in words: what the exercise panel and `podnet exercise check` show.
import type { CheckSpec, InterfaceAttrs, PacketMatch } from '../../shared/exercise';

export function describeMatch(m: PacketMatch | undefined): string {
  if (!m) return '';
  const part = (e: { src?: string; dst?: string; protocol?: string }) =>
    [e.protocol, e.src || e.dst ? `${e.src ?? '*'} → ${e.dst ?? '*'}` : ''].filter(Boolean).join(' ');
  const outer = part(m);
  const inner = m.inner ? `carrying ${part(m.inner)}` : '';
  return [outer, inner].filter(Boolean).join(' ');
}

export function describeAttrs(a: InterfaceAttrs): string {
  const parts: string[] = [];
  if (a.type) parts.push(a.type);
  if (a.mtu !== undefined) parts.push(`mtu ${a.mtu}`);
  if (a.up !== undefined) parts.push(a.up ? 'up' : 'down');
  if (a.master) parts.push(`master ${a.master}`);
  if (a.address) parts.push(`address ${a.address}`);
  if (a.mac) parts.push(`mac ${a.mac}`);
  const v = a.vxlan;
  if (v) {
    if (v.id !== undefined) parts.push(`vni ${v.id}`);
    if (v.port !== undefined) parts.push(`port ${v.port}`);
    if (v.local) parts.push(`local ${v.local}`);
    if (v.dev) parts.push(`dev ${v.dev}`);
    if (v.learning !== undefined) parts.push(v.learning ? 'learning' : 'nolearning');
  }
  const p = a.peer;
  if (p) parts.push(`its peer ${p.name ?? 'interface'} on ${p.on}${p.master ? ` in ${p.master}` : ''}`);
  return parts.join(', ');
}

/**
 * A pattern that is plain text once its escapes and anchors are gone
 * (`^FLANNEL_MTU=1450$`, `172\\.17\\.0\\.2/16`) → that text; otherwise null.
 * Placeholders count as text.
 */
export function literalOf(pattern: string): string | null {
  const text = pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
  const bare = text.replace(/\{\{[^}]*\}\}/g, 'x').replace(/\\[.\/\-\\"'=:@ ]/g, 'x');
  if (/[\\^$.*+?()[\]{}|]/.test(bare)) return null;
  return text.replace(/\\([.\/\-\\"'=:@ ])/g, '$1');
}

export function checkLabel(c: CheckSpec): string {
  const has = (expect: 'present' | 'absent') => (expect === 'present' ? 'has' : 'has no');
  switch (c.kind) {
    case 'ping':
      return `ping ${c.from} → ${c.to} ${c.expect === 'success' ? 'gets replies' : 'gets no reply'}`;
    case 'route':
      return `${c.on} ${has(c.expect)} route ${[c.dst, c.via && `via ${c.via}`, c.dev && `dev ${c.dev}`].filter(Boolean).join(' ')}`;
    case 'neighbour':
      return `${c.on} ${has(c.expect)} neighbour ${[c.dst, c.lladdr && `lladdr ${c.lladdr}`, c.dev && `dev ${c.dev}`, c.permanent && 'permanent'].filter(Boolean).join(' ')}`;
    case 'fdb':
      return `${c.on} ${has(c.expect)} fdb entry ${[c.mac, c.dev && `dev ${c.dev}`, c.dst && `dst ${c.dst}`].filter(Boolean).join(' ')}`.trimEnd();
    case 'iptables':
      return `${c.on} ${has(c.expect)} ${c.table} rule ${c.rule}`;
    case 'interface': {
      const attrs = describeAttrs(c.attrs);
      return `${c.on} ${has(c.expect)} interface ${c.name}${c.expect === 'present' && attrs ? ` (${attrs})` : ''}`;
    }
    case 'capture': {
      const what = c.expect === 'packets' ? `sees ${describeMatch(c.match) || 'packets'}` : `sees no ${describeMatch(c.match) || 'packets'}`;
      return `capture on ${c.on} ${c.iface}${c.filter ? ` (${c.filter})` : ''} while ${c.during.ping.from} pings ${c.during.ping.to} ${what}`;
    }
    case 'command': {
      const ends = c.exit === 0 ? 'succeeds' : `exits with code ${c.exit}`;
      const shown = c.output === undefined ? null : (c.shows ?? literalOf(c.output) ?? `text matching ${c.output}`);
      return `\`${c.run}\` on ${c.on} ${ends}${shown !== null ? ` and prints “${shown}”` : ''}`;
    }
  }
}
