// A captured packet as a row of the live list: time since the first packet,
// source and destination (with ports), protocol, length, what it is — and
// for VXLAN the packet inside the tunnel.
import type { CapturedPacket, PacketSummary } from '../../../shared/capture';

export interface PacketRow {
  index: number;
  /** Seconds since the capture's first packet, to the microsecond. */
  time: string;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
  direction: 'in' | 'out' | null;
  /** VXLAN: the VNI and the packet inside ("VNI 1 · 10.2.1.2 → 10.2.3.10 ICMP echo request …"). */
  inner: string | null;
}

const end = (address: string, port: number | null) => (port === null ? address : `${address}:${port}`);

function innerText(vni: number, i: PacketSummary): string {
  return `VNI ${vni} · ${end(i.src, i.srcPort)} → ${end(i.dst, i.dstPort)} ${i.protocol.toUpperCase()} ${i.info}`.trim();
}

export function packetRow(p: CapturedPacket, t0: number): PacketRow {
  const o = p.outer;
  return {
    index: p.index,
    time: Math.max(0, p.time - t0).toFixed(6),
    source: end(o.src, o.srcPort),
    destination: end(o.dst, o.dstPort),
    protocol: o.protocol.toUpperCase(),
    length: p.length,
    info: o.info,
    direction: p.direction,
    inner: p.vxlan ? innerText(p.vxlan.vni, p.vxlan.inner) : null,
  };
}

/** A VXLAN packet's sizes: what the tunnel adds in front of the inner frame, by header. */
export function tunnelSizes(p: CapturedPacket): { outer: number; inner: number; parts: string } | null {
  const layers = p.layers ?? [];
  const outer = layers.filter((l) => l.depth === 0 && l.name !== 'Linux cooked capture v2' && l.name !== 'Linux cooked capture');
  const inner = layers.filter((l) => l.depth === 1);
  if (!p.vxlan || inner.length === 0) return null;
  const short: Record<string, string> = { 'Ethernet II': 'Ethernet', 'Internet Protocol version 4': 'IPv4', 'User Datagram Protocol': 'UDP', 'Virtual eXtensible Local Area Network': 'VXLAN' };
  return {
    outer: outer.reduce((n, l) => n + l.length, 0),
    inner: inner.reduce((n, l) => n + l.length, 0),
    parts: outer.map((l) => `${l.length} ${short[l.name] ?? l.name}`).join(' + '),
  };
}
