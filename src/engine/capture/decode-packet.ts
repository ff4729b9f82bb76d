// Captured bytes → what a learner reads in a packet list: link layer
// (Ethernet, Linux cooked v1/v2 as `-i any` writes), ARP, IPv4, ICMP, UDP,
// TCP, and VXLAN with the packet inside the tunnel.
import type { CapturedPacket, IcmpSummary, PacketSummary } from '../../shared/capture';
import { packetLayers } from './packet-layers';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, recordTime, type PcapHeader, type PcapRecord } from './pcap';

/** UDP ports that carry VXLAN: IANA's 4789 and the Linux/flannel default 8472. */
export const DEFAULT_VXLAN_PORTS: readonly number[] = [4789, 8472];

/** A decoded layer-3 packet, with its transport payload kept for matching. */
export interface DecodedPacket extends PacketSummary {
  /** Bytes after the transport header (ICMP: after the 8-byte header). */
  payload: Buffer;
}

export interface DecodedFrame {
  direction: 'in' | 'out' | null;
  ifindex: number | null;
  outer: DecodedPacket;
  vxlan: { vni: number; inner: DecodedPacket } | null;
}

const ICMP_TYPES: Record<number, string> = { 0: 'echo reply', 3: 'unreachable', 5: 'redirect', 8: 'echo request', 11: 'time exceeded' };
const UNREACHABLE: Record<number, string> = { 0: 'net', 1: 'host', 2: 'protocol', 3: 'port', 4: 'need to frag', 13: 'admin prohibited' };
const PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp' };

const mac = (b: Buffer, o: number) => [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ipv4 = (b: Buffer, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

function summary(partial: Partial<DecodedPacket> & Pick<DecodedPacket, 'src' | 'dst' | 'protocol' | 'info'>): DecodedPacket {
  return { srcPort: null, dstPort: null, icmp: null, payload: Buffer.alloc(0), ...partial };
}

function decodeIcmp(b: Buffer): { icmp: IcmpSummary; info: string; payload: Buffer } {
  const type = b[0] ?? 0;
  const code = b[1] ?? 0;
  const echo = type === 0 || type === 8;
  const id = echo && b.length >= 8 ? b.readUInt16BE(4) : null;
  const seq = echo && b.length >= 8 ? b.readUInt16BE(6) : null;
  let original: IcmpSummary['original'] = null;
  if ((type === 3 || type === 11) && b.length >= 8 + 20) {
    const o = b.subarray(8);
    original = { src: ipv4(o, 12), dst: ipv4(o, 16), protocol: PROTOCOLS[o[9]!] ?? `ip-proto-${o[9]}` };
  }
  let info = ICMP_TYPES[type] ?? `type ${type}`;
  if (echo) info += ` id ${id} seq ${seq}`;
  if (type === 3) info = `${UNREACHABLE[code] ?? `code ${code}`} unreachable`;
  if (original) info += ` (for ${original.src} → ${original.dst} ${original.protocol})`;
  return { icmp: { type, code, id, seq, original }, info, payload: b.subarray(8) };
}

function decodeIpv4(b: Buffer, vxlanPorts: readonly number[], depth: number): { packet: DecodedPacket; vxlan: DecodedFrame['vxlan'] } {
  if (b.length < 20 || b[0]! >> 4 !== 4) return { packet: summary({ src: '?', dst: '?', protocol: 'ip', info: 'truncated IPv4 header' }), vxlan: null };
  const ihl = (b[0]! & 0x0f) * 4;
  const total = Math.min(b.readUInt16BE(2), b.length);
  const proto = b[9]!;
  const src = ipv4(b, 12);
  const dst = ipv4(b, 16);
  const body = b.subarray(ihl, Math.max(ihl, total));
  const fragmentOffset = b.readUInt16BE(6) & 0x1fff;
  if (fragmentOffset !== 0) return { packet: summary({ src, dst, protocol: PROTOCOLS[proto] ?? 'ip', info: `fragment at ${fragmentOffset * 8}` }), vxlan: null };
  if (proto === 1) {
    const { icmp, info, payload } = decodeIcmp(body);
    return { packet: summary({ src, dst, protocol: 'icmp', info, icmp, payload }), vxlan: null };
  }
  if ((proto === 17 || proto === 6) && body.length >= 8) {
    const srcPort = body.readUInt16BE(0);
    const dstPort = body.readUInt16BE(2);
    if (proto === 6) {
      const off = body.length >= 13 ? (body[12]! >> 4) * 4 : 20;
      const flags = body[13] ?? 0;
      const names = [['SYN', 0x02], ['ACK', 0x10], ['FIN', 0x01], ['RST', 0x04], ['PSH', 0x08]].filter(([, bit]) => flags & (bit as number)).map(([n]) => n);
      const payload = body.subarray(Math.min(off, body.length));
      return { packet: summary({ src, dst, protocol: 'tcp', srcPort, dstPort, info: `${srcPort} → ${dstPort} [${names.join(',')}] len ${payload.length}`, payload }), vxlan: null };
    }
    const payload = body.subarray(8);
    if (depth === 0 && vxlanPorts.includes(dstPort) && payload.length >= 8 + 14 && (payload[0]! & 0x08) !== 0) {
      const vni = payload.readUIntBE(4, 3);
      const inner = decodeEthernet(payload.subarray(8), vxlanPorts, depth + 1).outer;
      return {
        packet: summary({ src, dst, protocol: 'vxlan', srcPort, dstPort, info: `VNI ${vni}: ${inner.src} → ${inner.dst} ${inner.protocol} ${inner.info}`, payload }),
        vxlan: { vni, inner },
      };
    }
    return { packet: summary({ src, dst, protocol: 'udp', srcPort, dstPort, info: `${srcPort} → ${dstPort} len ${payload.length}`, payload }), vxlan: null };
  }
  const name = PROTOCOLS[proto] ?? `ip-proto-${proto}`;
  return { packet: summary({ src, dst, protocol: name, info: `${name}, ${body.length} bytes` }), vxlan: null };
}

function decodeArp(b: Buffer): DecodedPacket {
  if (b.length < 28) return summary({ src: '?', dst: '?', protocol: 'arp', info: 'truncated ARP' });
  const op = b.readUInt16BE(6);
  const senderIp = ipv4(b, 14);
  const targetIp = ipv4(b, 24);
  const info = op === 1 ? `who has ${targetIp}? tell ${senderIp}` : op === 2 ? `${senderIp} is at ${mac(b, 8)}` : `op ${op}`;
  return summary({ src: senderIp, dst: targetIp, protocol: 'arp', info });
}

function decodeEtherType(etherType: number, b: Buffer, fallback: { src: string; dst: string }, vxlanPorts: readonly number[], depth: number) {
  if (etherType === 0x0800) return decodeIpv4(b, vxlanPorts, depth);
  if (etherType === 0x0806) return { packet: decodeArp(b), vxlan: null };
  if (etherType === 0x86dd) return { packet: summary({ ...fallback, protocol: 'ipv6', info: 'IPv6' }), vxlan: null };
  return { packet: summary({ ...fallback, protocol: 'ethernet', info: `ethertype 0x${etherType.toString(16).padStart(4, '0')}` }), vxlan: null };
}

function decodeEthernet(b: Buffer, vxlanPorts: readonly number[], depth: number): { outer: DecodedPacket; vxlan: DecodedFrame['vxlan'] } {
  if (b.length < 14) return { outer: summary({ src: '?', dst: '?', protocol: 'ethernet', info: 'truncated frame' }), vxlan: null };
  let etherType = b.readUInt16BE(12);
  let offset = 14;
  if (etherType === 0x8100 && b.length >= 18) {
    etherType = b.readUInt16BE(16);
    offset = 18;
  }
  const r = decodeEtherType(etherType, b.subarray(offset), { src: mac(b, 6), dst: mac(b, 0) }, vxlanPorts, depth);
  return { outer: r.packet, vxlan: r.vxlan };
}

/** Linux cooked capture v2 (`-i any`): protocol, interface index and direction before the packet. */
function decodeSll2(b: Buffer, vxlanPorts: readonly number[]): DecodedFrame {
  if (b.length < 20) return { direction: null, ifindex: null, outer: summary({ src: '?', dst: '?', protocol: 'ethernet', info: 'truncated frame' }), vxlan: null };
  const etherType = b.readUInt16BE(0);
  const ifindex = b.readUInt32BE(4);
  const packetType = b[10]!;
  const r = decodeEtherType(etherType, b.subarray(20), { src: '?', dst: '?' }, vxlanPorts, 0);
  return { direction: packetType === 4 ? 'out' : 'in', ifindex, outer: r.packet, vxlan: r.vxlan };
}

function decodeSll(b: Buffer, vxlanPorts: readonly number[]): DecodedFrame {
  if (b.length < 16) return { direction: null, ifindex: null, outer: summary({ src: '?', dst: '?', protocol: 'ethernet', info: 'truncated frame' }), vxlan: null };
  const packetType = b.readUInt16BE(0);
  const r = decodeEtherType(b.readUInt16BE(14), b.subarray(16), { src: '?', dst: '?' }, vxlanPorts, 0);
  return { direction: packetType === 4 ? 'out' : 'in', ifindex: null, outer: r.packet, vxlan: r.vxlan };
}

export function decodeFrame(linkType: number, data: Buffer, vxlanPorts: readonly number[] = DEFAULT_VXLAN_PORTS): DecodedFrame {
  if (linkType === LINKTYPE_LINUX_SLL2) return decodeSll2(data, vxlanPorts);
  if (linkType === LINKTYPE_LINUX_SLL) return decodeSll(data, vxlanPorts);
  if (linkType === LINKTYPE_ETHERNET) return { direction: null, ifindex: null, ...decodeEthernet(data, vxlanPorts, 0) };
  return { direction: null, ifindex: null, outer: summary({ src: '?', dst: '?', protocol: `linktype-${linkType}`, info: 'unknown link type' }), vxlan: null };
}

const strip = ({ payload: _payload, ...rest }: DecodedPacket): CapturedPacket['outer'] => rest;

/** A record of a capture → the serializable packet the UI lists. */
export function toCapturedPacket(header: PcapHeader, record: PcapRecord, index: number, vxlanPorts?: readonly number[]): CapturedPacket {
  const f = decodeFrame(header.linkType, record.data, vxlanPorts);
  return {
    index,
    time: recordTime(header, record),
    length: record.originalLength,
    capturedLength: record.data.length,
    direction: f.direction,
    ifindex: f.ifindex,
    outer: strip(f.outer),
    vxlan: f.vxlan ? { vni: f.vxlan.vni, inner: strip(f.vxlan.inner) } : null,
    layers: packetLayers(header.linkType, record.data, vxlanPorts ?? DEFAULT_VXLAN_PORTS),
  };
}
