// Captured records of every namespace → the sightings of ONE ping: each
// place its echo request / reply was seen (recognised by the ping's unique
// payload pattern, also inside VXLAN and after NAT), and ICMP errors about it.
import type { IcmpSummary } from '../../shared/capture';
import { decodeFrame, type DecodedPacket } from '../capture/decode-packet';
import type { PcapHeader, PcapRecord } from '../capture/pcap';

export interface NodeCapture {
  /** `host1`, `host1/a`, `underlay`, `internet`. */
  node: string;
  /** The namespace's interfaces by index (captures on `any` name the interface by index). */
  ifaces: readonly { index: number; name: string; kind: string }[];
  header: PcapHeader | null;
  records: readonly PcapRecord[];
}

export interface Sighting {
  node: string;
  iface: string;
  ifaceKind: string | null;
  direction: 'in' | 'out';
  /** Capture time in nanoseconds (all namespaces of a lab share the kernel's clock). */
  timeNs: bigint;
  leg: 'request' | 'reply';
  seq: number;
  packet: DecodedPacket;
  tunnel: { src: string; dst: string; port: number; vni: number } | null;
}

export interface ErrorSighting {
  node: string;
  direction: 'in' | 'out';
  timeNs: bigint;
  icmp: IcmpSummary;
  info: string;
  src: string;
}

function timeNs(header: PcapHeader, r: PcapRecord): bigint {
  return BigInt(r.seconds) * 1_000_000_000n + BigInt(r.fraction) * (header.nanos ? 1n : 1000n);
}

export function collectSightings(captures: readonly NodeCapture[], pattern: Buffer, destination: string, vxlanPorts: readonly number[]): { sightings: Sighting[]; errors: ErrorSighting[] } {
  const sightings: Sighting[] = [];
  const errors: ErrorSighting[] = [];
  for (const c of captures) {
    if (!c.header) continue;
    for (const r of c.records) {
      const f = decodeFrame(c.header.linkType, r.data, vxlanPorts);
      const packet = f.vxlan?.inner ?? f.outer;
      const icmp = packet.icmp;
      if (!icmp || packet.protocol !== 'icmp') continue;
      const iface = c.ifaces.find((i) => i.index === f.ifindex);
      const base = { node: c.node, direction: f.direction ?? 'in', timeNs: timeNs(c.header, r) } as const;
      if ((icmp.type === 8 || icmp.type === 0) && packet.payload.includes(pattern)) {
        sightings.push({
          ...base,
          iface: iface?.name ?? `if${f.ifindex ?? '?'}`,
          ifaceKind: iface?.kind ?? null,
          leg: icmp.type === 8 ? 'request' : 'reply',
          seq: icmp.seq ?? 0,
          packet,
          tunnel: f.vxlan ? { src: f.outer.src, dst: f.outer.dst, port: f.outer.dstPort ?? 0, vni: f.vxlan.vni } : null,
        });
      } else if (icmp.original && icmp.original.protocol === 'icmp' && icmp.original.dst === destination) {
        errors.push({ ...base, icmp, info: packet.info, src: packet.src });
      }
    }
  }
  return { sightings, errors };
}
