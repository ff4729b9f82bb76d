// One captured packet as one line of text (time, source, destination,
// protocol, length, info; for VXLAN also the packet inside).
import type { CapturedPacket } from '../shared/capture';

export function packetLine(p: CapturedPacket, t0: number): string {
  const o = p.outer;
  const at = (p.time - t0).toFixed(6).padStart(10);
  const ends = (s: string, port: number | null) => (port === null ? s : `${s}.${port}`);
  const dir = p.direction ? `${p.direction.padEnd(3)} ` : '';
  const head = `${at} ${dir}${ends(o.src, o.srcPort).padEnd(21)} → ${ends(o.dst, o.dstPort).padEnd(21)} ${o.protocol.padEnd(5)} ${String(p.length).padStart(5)}`;
  if (!p.vxlan) return `${head}  ${o.info}`;
  const i = p.vxlan.inner;
  return `${head}  VNI ${p.vxlan.vni} [${i.src} → ${i.dst} ${i.protocol} ${i.info}]`;
}
