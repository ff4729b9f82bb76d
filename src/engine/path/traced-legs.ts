// A TCP connection attempt's or a UDP datagram's path, from its trace alone
// (captures follow pings only): in each namespace, in the order the packet
// crossed them, the interface it came in by and the one it left by — with
// the VXLAN tunnel its route's fdb entry chose, and the NAT done there.
// Traced hops carry no time (offsetNs null): their order is their causality.
import type { PathHop, PathLeg } from '../../shared/path';
import type { Snapshot } from '../../shared/snapshot';
import { findNode } from '../observe/snapshot-nodes';
import type { TracePacketFields } from '../trace/parse-nft-trace';
import type { LegName } from './traced-hops';
import type { ExplainedLeg } from './traced-why';

function info(p: TracePacketFields): string {
  const proto = (p.protocol ?? '?').toUpperCase();
  if (p.protocol === 'tcp') return `TCP ${p.srcPort ?? '?'} → ${p.dstPort ?? '?'} [${p.tcpFlags.join(',')}]`;
  if (p.protocol === 'udp') return `UDP ${p.srcPort ?? '?'} → ${p.dstPort ?? '?'}`;
  if (p.protocol === 'icmp') return `ICMP ${p.icmpType?.startsWith('echo') ? p.icmpType : [p.icmpType, p.icmpCode].filter(Boolean).join(' ')}`;
  return proto;
}

const packetOf = (p: TracePacketFields): PathHop['packet'] => ({ src: p.src ?? '?', dst: p.dst ?? '?', protocol: p.protocol ?? '?', info: info(p) });

export function tracedLeg(snapshot: Snapshot, explained: readonly ExplainedLeg[], leg: LegName, arrived: boolean, stop: string | null): PathLeg {
  const hops: PathHop[] = [];
  for (const { view: v, route } of explained.filter((e) => e.view.leg === leg)) {
    const node = findNode(snapshot, v.node);
    const kind = (name: string) => node?.netns.interfaces.find((i) => i.name === name)?.kind ?? null;
    if (v.iif) {
      const k = kind(v.iif);
      hops.push({ node: v.node, iface: v.iif, ifaceKind: k, direction: 'in', offsetNs: null, packet: packetOf(v.first), tunnel: null, note: k === 'vxlan' ? 'decapsulate from VXLAN' : null });
    }
    if (v.oif && v.packet.fate === 'passed') {
      const k = kind(v.oif);
      const vtep = k === 'vxlan' && route?.fdb?.dst ? route.fdb.dst : null;
      const tunnel = vtep && node?.host.underlayIp ? { src: node.host.underlayIp, dst: vtep, port: route?.vxlan?.port ?? 0, vni: route?.vxlan?.vni ?? 0 } : null;
      const notes = [k === 'vxlan' ? 'encapsulate into VXLAN' : null, v.nat ? `NAT: ${v.nat}` : null].filter(Boolean);
      hops.push({ node: v.node, iface: v.oif, ifaceKind: k, direction: 'out', offsetNs: null, packet: packetOf(v.last), tunnel, note: notes.length ? notes.join('; ') : null });
    }
  }
  const lastSeen = hops[hops.length - 1] ?? null;
  const reason = arrived ? null : (stop ?? (lastSeen ? `not traced beyond ${lastSeen.node} ${lastSeen.iface} (${lastSeen.direction})` : leg === 'reply' ? 'no answer came back' : 'the probe was not seen leaving'));
  return { hops, reached: arrived, lastSeen, reason };
}
