// Builds the bytes of captured packets for tests: Ethernet, Linux cooked v2
// (`tcpdump -i any`), IPv4, ICMP echo, UDP, VXLAN.
const macBytes = (mac: string) => Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
const ipBytes = (ip: string) => Buffer.from(ip.split('.').map(Number));

export function icmpEcho(type: 8 | 0, id: number, seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt16BE(id, 4);
  h.writeUInt16BE(seq, 6);
  return Buffer.concat([h, payload]);
}

export function icmpUnreachable(code: number, original: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 3;
  h[1] = code;
  return Buffer.concat([h, original.subarray(0, 28)]);
}

export function ipv4(src: string, dst: string, protocol: number, body: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + body.length, 2);
  h[8] = 64;
  h[9] = protocol;
  ipBytes(src).copy(h, 12);
  ipBytes(dst).copy(h, 16);
  return Buffer.concat([h, body]);
}

export function udp(srcPort: number, dstPort: number, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt16BE(8 + body.length, 4);
  return Buffer.concat([h, body]);
}

export function ethernet(src: string, dst: string, etherType: number, body: Buffer): Buffer {
  const h = Buffer.alloc(14);
  macBytes(dst).copy(h, 0);
  macBytes(src).copy(h, 6);
  h.writeUInt16BE(etherType, 12);
  return Buffer.concat([h, body]);
}

export function vxlan(vni: number, innerFrame: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 0x08;
  h.writeUIntBE(vni, 4, 3);
  return Buffer.concat([h, innerFrame]);
}

/** Linux cooked capture v2 header (`-i any`): ethertype, interface index, direction. */
export function sll2(ifindex: number, direction: 'in' | 'out', etherType: number, body: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(etherType, 0);
  h.writeUInt32BE(ifindex, 4);
  h.writeUInt16BE(1, 8);
  h[10] = direction === 'out' ? 4 : 0;
  h[11] = 6;
  return Buffer.concat([h, body]);
}

/** An ICMP echo IPv4 packet (request or reply) with a ping-like payload holding `pattern`. */
export function echoPacket(src: string, dst: string, type: 8 | 0, seq: number, pattern: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.alloc(16, 0xee), pattern, pattern, pattern]);
  return ipv4(src, dst, 1, icmpEcho(type, 77, seq, payload));
}

/** The same IPv4 packet inside VXLAN between two hosts. */
export function inVxlan(inner: Buffer, outer: { src: string; dst: string; port?: number; vni?: number }): Buffer {
  const frame = ethernet('0e:00:00:00:00:01', '0e:00:00:00:00:02', 0x0800, inner);
  return ipv4(outer.src, outer.dst, 17, udp(40000, outer.port ?? 8472, vxlan(outer.vni ?? 1, frame)));
}
