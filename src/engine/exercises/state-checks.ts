// Checks read from one observed Snapshot: routes, neighbours, fdb entries,
// iptables rules, interface attributes. Pure: each returns passed or failed
// with what was found instead.
import type { CheckResult, CheckSpec, InterfaceAttrs } from '../../shared/exercise';
import type { Iface, Snapshot } from '../../shared/snapshot';
import { findNode } from '../observe/snapshot-nodes';
import { formatRoute } from '../observe/route-lookup';
import { checkLabel } from './check-label';

export type StateCheck = Extract<CheckSpec, { kind: 'route' | 'neighbour' | 'fdb' | 'iptables' | 'interface' }>;

export const isStateCheck = (c: CheckSpec): c is StateCheck => ['route', 'neighbour', 'fdb', 'iptables', 'interface'].includes(c.kind);

const sameMac = (a: string | null | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
/** `ip -j route` prints a /32 route without its length. */
const routeDst = (d: string) => (d.endsWith('/32') ? d.slice(0, -3) : d === '0.0.0.0/0' ? 'default' : d);
const list = (items: string[], none: string) => (items.length ? items.join('; ') : none);

function result(c: StateCheck, ok: boolean, found: string): CheckResult {
  return { label: checkLabel(c), kind: c.kind, status: ok ? 'passed' : 'failed', found: ok ? null : found };
}

/** Present: passes when one matches. Absent: passes when none does. */
function presence(c: StateCheck, matches: string[], others: string): CheckResult {
  if (c.expect === 'present') return result(c, matches.length > 0, others);
  return result(c, matches.length === 0, matches.join('; '));
}

/** The interface at the other end of a veth: the one on the peer node whose index is this end's peer ifindex, and which points back. */
function peerMismatches(i: Iface, peer: NonNullable<InterfaceAttrs['peer']>, s: Snapshot): string[] {
  if (i.kind !== 'veth' || i.peerIndex === null) return ['it is not a veth pair\'s end'];
  const node = findNode(s, peer.on);
  if (!node) return [`lab ${s.name} has no ${peer.on}`];
  const other = node.netns.interfaces.find((x) => x.index === i.peerIndex && x.kind === 'veth');
  if (!other) return [`its peer is interface ${i.peerIndex} of another namespace, which is no veth on ${peer.on}`];
  const out: string[] = [];
  if (peer.name && other.name !== peer.name) out.push(`its peer on ${peer.on} is ${other.name} (expected ${peer.name})`);
  if (peer.master && other.master !== peer.master) out.push(`its peer ${other.name} is ${other.master ? `in ${other.master}` : 'in no bridge'} (expected ${peer.master})`);
  return out;
}

function ifaceMismatches(i: Iface, a: InterfaceAttrs, s: Snapshot): string[] {
  const out: string[] = [];
  const differ = (what: string, actual: unknown, expected: unknown) => {
    if (expected !== undefined && actual !== expected) out.push(`${what} is ${actual ?? 'not set'} (expected ${expected})`);
  };
  differ('type', i.kind, a.type);
  differ('mtu', i.mtu, a.mtu);
  if (a.up !== undefined && i.up !== a.up) out.push(`it is ${i.up ? 'up' : 'down'} (expected ${a.up ? 'up' : 'down'})`);
  differ('master', i.master, a.master);
  if (a.address && !i.addresses.some((x) => `${x.address}/${x.prefixLen}` === a.address)) {
    out.push(`it has ${list(i.addresses.filter((x) => x.family === 'inet').map((x) => `${x.address}/${x.prefixLen}`), 'no address')} (expected ${a.address})`);
  }
  if (a.mac && !sameMac(i.mac, a.mac)) out.push(`its MAC is ${i.mac ?? 'none'} (expected ${a.mac})`);
  if (a.vxlan) {
    if (!i.vxlan) out.push('it is not a VXLAN device');
    else {
      differ('the VNI', i.vxlan.id, a.vxlan.id);
      differ('the UDP port', i.vxlan.port, a.vxlan.port);
      differ('local', i.vxlan.local, a.vxlan.local);
      differ('dev', i.vxlan.dev, a.vxlan.dev);
      if (a.vxlan.learning !== undefined && i.vxlan.learning !== a.vxlan.learning) out.push(`it is ${i.vxlan.learning ? 'learning' : 'nolearning'} (expected ${a.vxlan.learning ? 'learning' : 'nolearning'})`);
    }
  }
  if (a.peer) out.push(...peerMismatches(i, a.peer, s));
  return out;
}

export function evaluateStateCheck(c: StateCheck, s: Snapshot): CheckResult {
  const node = findNode(s, c.on);
  if (!node) return { label: checkLabel(c), kind: c.kind, status: 'error', found: `lab ${s.name} has no ${c.on}` };
  if (!node.host.reachable) return { label: checkLabel(c), kind: c.kind, status: 'error', found: `${node.host.name} could not be read: ${node.host.error}` };
  const ns = node.netns;
  switch (c.kind) {
    case 'route': {
      const dst = routeDst(c.dst);
      const forDst = ns.routes.filter((r) => routeDst(r.dst) === dst);
      const matches = forDst.filter((r) => (!c.via || r.gateway === c.via) && (!c.dev || r.dev === c.dev));
      const others = forDst.length ? `the route is ${forDst.map(formatRoute).join('; ')}` : `no route for ${c.dst}; ${c.on} has: ${list(ns.routes.map(formatRoute), 'no routes')}`;
      return presence(c, matches.map(formatRoute), others);
    }
    case 'neighbour': {
      const forDst = ns.neighbours.filter((n) => n.dst === c.dst && (!c.dev || n.dev === c.dev));
      const show = (n: (typeof forDst)[number]) => `${n.dst} dev ${n.dev}${n.lladdr ? ` lladdr ${n.lladdr}` : ''} ${n.state.join(',')}`.trim();
      const matches = forDst.filter((n) => (!c.lladdr || sameMac(n.lladdr, c.lladdr)) && (!c.permanent || n.state.includes('PERMANENT')));
      return presence(c, matches.map(show), forDst.length ? `the entry is ${forDst.map(show).join('; ')}` : `no neighbour entry for ${c.dst}${c.dev ? ` on ${c.dev}` : ''}`);
    }
    case 'fdb': {
      if (node.pod) return { label: checkLabel(c), kind: c.kind, status: 'error', found: 'fdb entries are read on hosts, not in pods' };
      const onDev = node.host.fdb.filter((f) => !c.dev || f.dev === c.dev);
      const show = (f: (typeof onDev)[number]) => `${f.mac} dev ${f.dev}${f.dst ? ` dst ${f.dst}` : ''}`;
      const matches = onDev.filter((f) => (!c.mac || sameMac(f.mac, c.mac)) && (!c.dst || f.dst === c.dst));
      return presence(c, matches.map(show), `${c.dev ?? 'the host'} has ${list(onDev.map(show), 'no fdb entries')}`);
    }
    case 'iptables': {
      if (node.pod) return { label: checkLabel(c), kind: c.kind, status: 'error', found: 'iptables rules are read on hosts, not in pods' };
      const norm = (l: string) => l.trim().replace(/\s+/g, ' ');
      const want = norm(c.rule);
      const lines = node.host.iptables[c.table];
      const matches = lines.filter((l) => norm(l) === want);
      const chain = /^-[AI] (\S+)/.exec(want)?.[1];
      const inChain = chain ? lines.filter((l) => l.startsWith(`-A ${chain} `)) : [];
      return presence(c, matches, chain ? `chain ${chain} of the ${c.table} table has ${list(inChain, 'no rules')}` : 'no such line in iptables-save');
    }
    case 'interface': {
      const iface = ns.interfaces.find((i) => i.name === c.name);
      if (c.expect === 'absent') return result(c, !iface, `${c.name} exists (${iface?.kind}, mtu ${iface?.mtu})`);
      if (!iface) return result(c, false, `no interface ${c.name} on ${c.on}; it has ${ns.interfaces.map((i) => i.name).join(', ')}`);
      const wrong = ifaceMismatches(iface, c.attrs, s);
      return result(c, wrong.length === 0, wrong.join('; '));
    }
  }
}
