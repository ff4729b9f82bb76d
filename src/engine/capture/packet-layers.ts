// Captured bytes → the detail tree of one packet: every header with its
// fields, offset and size, as Wireshark shows them — the link layer
// (Ethernet, Linux cooked v1/v2), ARP, IPv4, ICMP, UDP, TCP, VXLAN with the
// whole frame inside the tunnel, and what is left as data. Sizes add up: a
// VXLAN frame of 148 bytes is 14 + 20 + 8 + 8 outer bytes and a 98-byte
// inner frame.
import type { PacketField, PacketLayer } from '../../shared/capture';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2 } from './pcap';

const mac = (b: Buffer, o: number) => [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ipv4 = (b: Buffer, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;
const f = (name: string, value: string | number): PacketField => ({ name, value: String(value) });

const ETHER_TYPES: Record<number, string> = { 0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6', 0x8100: '802.1Q' };
const IP_PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP' };
const ICMP_TYPES: Record<number, string> = { 0: 'Echo (ping) reply', 3: 'Destination unreachable', 5: 'Redirect', 8: 'Echo (ping) request', 11: 'Time exceeded' };

interface Ctx {
  out: PacketLayer[];
  vxlanPorts: readonly number[];
  depth: number;
}

function layer(ctx: Ctx, name: string, summary: string, offset: number, length: number, fields: PacketField[]): void {
  ctx.out.push({ name, summary, offset, length, depth: ctx.depth, fields });
}

function data(ctx: Ctx, b: Buffer, offset: number): void {
  if (b.length > 0) layer(ctx, 'Data', `${b.length} bytes`, offset, b.length, [f('Length', b.length)]);
}

function etherType(ctx: Ctx, type: number, b: Buffer, offset: number): void {
  if (type === 0x0800) ipv4Layer(ctx, b, offset);
  else if (type === 0x0806) arpLayer(ctx, b, offset);
  else data(ctx, b, offset);
}

function ethernet(ctx: Ctx, b: Buffer, offset: number): void {
  if (b.length < 14) return data(ctx, b, offset);
  let type = b.readUInt16BE(12);
  let size = 14;
  const fields = [f('Destination', mac(b, 0)), f('Source', mac(b, 6))];
  if (type === 0x8100 && b.length >= 18) {
    fields.push(f('VLAN', b.readUInt16BE(14) & 0x0fff));
    type = b.readUInt16BE(16);
    size = 18;
  }
  fields.push(f('Type', `${ETHER_TYPES[type] ?? 'unknown'} (${hex(type, 4)})`));
  layer(ctx, 'Ethernet II', `Src: ${mac(b, 6)}, Dst: ${mac(b, 0)}`, offset, size, fields);
  etherType(ctx, type, b.subarray(size), offset + size);
}

function ipv4Layer(ctx: Ctx, b: Buffer, offset: number): void {
  if (b.length < 20 || b[0]! >> 4 !== 4) return data(ctx, b, offset);
  const ihl = (b[0]! & 0x0f) * 4;
  const total = b.readUInt16BE(2);
  const flagsFrag = b.readUInt16BE(6);
  const proto = b[9]!;
  const flags = [flagsFrag & 0x4000 ? "Don't fragment" : '', flagsFrag & 0x2000 ? 'More fragments' : ''].filter(Boolean).join(', ') || 'none';
  layer(ctx, 'Internet Protocol version 4', `Src: ${ipv4(b, 12)}, Dst: ${ipv4(b, 16)}`, offset, ihl, [
    f('Header length', `${ihl} bytes`),
    f('Total length', `${total} bytes`),
    f('Identification', hex(b.readUInt16BE(4), 4)),
    f('Flags', flags),
    f('Fragment offset', (flagsFrag & 0x1fff) * 8),
    f('Time to live', b[8]!),
    f('Protocol', `${IP_PROTOCOLS[proto] ?? 'other'} (${proto})`),
    f('Header checksum', hex(b.readUInt16BE(10), 4)),
    f('Source', ipv4(b, 12)),
    f('Destination', ipv4(b, 16)),
  ]);
  const body = b.subarray(ihl, Math.max(ihl, Math.min(total, b.length)));
  if ((flagsFrag & 0x1fff) !== 0) return data(ctx, body, offset + ihl);
  if (proto === 1) icmpLayer(ctx, body, offset + ihl);
  else if (proto === 17) udpLayer(ctx, body, offset + ihl);
  else if (proto === 6) tcpLayer(ctx, body, offset + ihl);
  else data(ctx, body, offset + ihl);
}

function icmpLayer(ctx: Ctx, b: Buffer, offset: number): void {
  if (b.length < 8) return data(ctx, b, offset);
  const type = b[0]!;
  const code = b[1]!;
  const fields = [f('Type', `${type} (${ICMP_TYPES[type] ?? 'other'})`), f('Code', code), f('Checksum', hex(b.readUInt16BE(2), 4))];
  const echo = type === 0 || type === 8;
  if (echo) fields.push(f('Identifier', b.readUInt16BE(4)), f('Sequence number', b.readUInt16BE(6)));
  layer(ctx, 'Internet Control Message Protocol', `${ICMP_TYPES[type] ?? `type ${type}`}${echo ? ` id ${b.readUInt16BE(4)} seq ${b.readUInt16BE(6)}` : ''}`, offset, 8, fields);
  data(ctx, b.subarray(8), offset + 8);
}

function udpLayer(ctx: Ctx, b: Buffer, offset: number): void {
  if (b.length < 8) return data(ctx, b, offset);
  const src = b.readUInt16BE(0);
  const dst = b.readUInt16BE(2);
  layer(ctx, 'User Datagram Protocol', `Src Port: ${src}, Dst Port: ${dst}`, offset, 8, [f('Source port', src), f('Destination port', dst), f('Length', `${b.readUInt16BE(4)} bytes`), f('Checksum', hex(b.readUInt16BE(6), 4))]);
  const payload = b.subarray(8);
  if (ctx.depth === 0 && ctx.vxlanPorts.includes(dst) && payload.length >= 8 + 14 && (payload[0]! & 0x08) !== 0) vxlanLayer(ctx, payload, offset + 8);
  else data(ctx, payload, offset + 8);
}

function vxlanLayer(ctx: Ctx, b: Buffer, offset: number): void {
  const vni = b.readUIntBE(4, 3);
  layer(ctx, 'Virtual eXtensible Local Area Network', `VNI: ${vni}`, offset, 8, [f('Flags', `${hex(b[0]!, 2)} (VNI valid)`), f('VXLAN Network Identifier (VNI)', vni), f('Reserved', hex(b[7]!, 2))]);
  const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
  ethernet(inner, b.subarray(8), offset + 8);
}

function tcpLayer(ctx: Ctx, b: Buffer, offset: number): void {
  if (b.length < 20) return data(ctx, b, offset);
  const src = b.readUInt16BE(0);
  const dst = b.readUInt16BE(2);
  const size = Math.min((b[12]! >> 4) * 4, b.length);
  const bits = b[13]!;
  const flags = (['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'] as const).filter((_, i) => bits & (1 << i)).join(', ') || 'none';
  layer(ctx, 'Transmission Control Protocol', `Src Port: ${src}, Dst Port: ${dst}, [${flags}]`, offset, size, [
    f('Source port', src),
    f('Destination port', dst),
    f('Sequence number', b.readUInt32BE(4)),
    f('Acknowledgment number', b.readUInt32BE(8)),
    f('Header length', `${size} bytes`),
    f('Flags', flags),
    f('Window', b.readUInt16BE(14)),
  ]);
  data(ctx, b.subarray(size), offset + size);
}

function arpLayer(ctx: Ctx, b: Buffer, offset: number): void {
  if (b.length < 28) return data(ctx, b, offset);
  const op = b.readUInt16BE(6);
  layer(ctx, 'Address Resolution Protocol', op === 1 ? `who has ${ipv4(b, 24)}? Tell ${ipv4(b, 14)}` : `${ipv4(b, 14)} is at ${mac(b, 8)}`, offset, 28, [
    f('Opcode', `${op === 1 ? 'request' : op === 2 ? 'reply' : 'other'} (${op})`),
    f('Sender MAC address', mac(b, 8)),
    f('Sender IP address', ipv4(b, 14)),
    f('Target MAC address', mac(b, 18)),
    f('Target IP address', ipv4(b, 24)),
  ]);
}

/** The headers of one captured frame (its link type as the pcap header says), outer first; `vxlanPorts`: UDP ports whose payload is VXLAN. */
export function packetLayers(linkType: number, b: Buffer, vxlanPorts: readonly number[]): PacketLayer[] {
  const ctx: Ctx = { out: [], vxlanPorts, depth: 0 };
  if (linkType === LINKTYPE_ETHERNET) ethernet(ctx, b, 0);
  else if (linkType === LINKTYPE_LINUX_SLL2 && b.length >= 20) {
    const type = b.readUInt16BE(0);
    layer(ctx, 'Linux cooked capture v2', `interface ${b.readUInt32BE(4)}, ${b[10] === 4 ? 'sent' : 'received'}`, 0, 20, [f('Protocol', `${ETHER_TYPES[type] ?? 'unknown'} (${hex(type, 4)})`), f('Interface index', b.readUInt32BE(4)), f('Direction', b[10] === 4 ? 'sent by this host' : 'received')]);
    etherType(ctx, type, b.subarray(20), 20);
  } else if (linkType === LINKTYPE_LINUX_SLL && b.length >= 16) {
    const type = b.readUInt16BE(14);
    layer(ctx, 'Linux cooked capture', b.readUInt16BE(0) === 4 ? 'sent' : 'received', 0, 16, [f('Protocol', `${ETHER_TYPES[type] ?? 'unknown'} (${hex(type, 4)})`), f('Direction', b.readUInt16BE(0) === 4 ? 'sent by this host' : 'received')]);
    etherType(ctx, type, b.subarray(16), 16);
  } else data(ctx, b, 0);
  return ctx.out;
}
