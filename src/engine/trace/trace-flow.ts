// The one flow a trace follows: protocol, addresses and ports of the probe,
// and the MARKER that recognises exactly its packets in every namespace —
// after NAT rewrote addresses and ports, and on the way back:
//   icmp  the ping's payload pattern (`ping -p`; the reply echoes it),
//   tcp   a rare MSS in the SYN (socat `mss=`; no NAT or tunnel changes it),
//   udp   the datagram's first 16 bytes (the probe's own text).
// Replies and ICMP errors about the flow are followed by its conntrack entry
// (see trace-table.ts), so they need no marker of their own.
import { randomBytes } from 'node:crypto';
import { ERROR_CODES } from '../../shared/errors';
import { isIpv4 } from '../ipam/cidr';
import { PodnetError } from '../errors';

export type TraceProtocol = 'icmp' | 'tcp' | 'udp';

export type TraceMarker =
  /** 8 bytes (16 hex digits) that `ping -p` repeats after its 16-byte timestamp. */
  | { kind: 'icmp-payload'; pattern: string }
  /** The MSS option of the SYN: 536–999, below what any real path announces (1410, 1460…). */
  | { kind: 'tcp-mss'; mss: number }
  /** The first 16 bytes of the datagram, printable (hex digits after `podnet`). */
  | { kind: 'udp-payload'; text: string };

export interface TraceFlow {
  protocol: TraceProtocol;
  /** The probe's source address, when known (the pod's eth0, the host's underlay address). */
  src: string | null;
  dst: string;
  /** tcp/udp: the probe's fixed source port (as it leaves the source, before any NAT) and the port it goes to. */
  srcPort: number | null;
  dstPort: number | null;
  marker: TraceMarker;
}

export interface FlowRequest {
  protocol: TraceProtocol;
  dst: string;
  dstPort?: number | null;
  src?: string | null;
}

/**
 * Fixed source ports come from 20000–29999: below Linux's ephemeral range
 * (32768–60999), so no connection the kernel opened by itself holds one.
 */
export const SOURCE_PORT_RANGE = { low: 20000, high: 29999 } as const;
export const MSS_RANGE = { low: 536, high: 999 } as const;
export const UDP_MARKER_PREFIX = 'podnet';

function checkRequest(r: FlowRequest): void {
  if (!isIpv4(r.dst)) throw new PodnetError(ERROR_CODES.USAGE, `"${r.dst}" is not an IPv4 address to trace to`);
  if (r.src != null && !isIpv4(r.src)) throw new PodnetError(ERROR_CODES.USAGE, `"${r.src}" is not an IPv4 source address`);
  if (r.protocol === 'icmp') {
    if (r.dstPort != null) throw new PodnetError(ERROR_CODES.USAGE, 'an ICMP trace has no port', { hint: 'add --tcp or --udp to trace a port' });
    return;
  }
  if (r.dstPort == null || !Number.isInteger(r.dstPort) || r.dstPort < 1 || r.dstPort > 65535) {
    throw new PodnetError(ERROR_CODES.USAGE, `a ${r.protocol.toUpperCase()} trace needs a port from 1 to 65535`, { hint: 'e.g. host2/b:8080' });
  }
}

const inRange = (bytes: Buffer, range: { low: number; high: number }) => range.low + (bytes.readUInt32BE(0) % (range.high - range.low + 1));

/** A flow with a fresh marker (and source port). `random` is injectable so tests are repeatable. */
export function newTraceFlow(r: FlowRequest, random: (n: number) => Buffer = randomBytes): TraceFlow {
  checkRequest(r);
  const base = { protocol: r.protocol, src: r.src ?? null, dst: r.dst };
  switch (r.protocol) {
    case 'icmp':
      return { ...base, srcPort: null, dstPort: null, marker: { kind: 'icmp-payload', pattern: random(8).toString('hex') } };
    case 'tcp':
      return { ...base, srcPort: inRange(random(4), SOURCE_PORT_RANGE), dstPort: r.dstPort!, marker: { kind: 'tcp-mss', mss: inRange(random(4), MSS_RANGE) } };
    case 'udp':
      return { ...base, srcPort: inRange(random(4), SOURCE_PORT_RANGE), dstPort: r.dstPort!, marker: { kind: 'udp-payload', text: UDP_MARKER_PREFIX + random(5).toString('hex') } };
  }
}

/** The flow as a person reads it: `tcp 10.2.1.2:21345 → 10.96.100.10:80`. */
export function describeFlow(f: TraceFlow): string {
  const end = (addr: string | null, port: number | null) => `${addr ?? '?'}${port != null ? `:${port}` : ''}`;
  return `${f.protocol} ${end(f.src, f.srcPort)} → ${end(f.dst, f.dstPort)}`;
}
