// Captured packets as the engine streams them (decoded by the real decoder
// from bytes built like tcpdump would see them): an ICMP echo in a pod, and
// the same echo inside VXLAN on a host's underlay interface.
import type { CapturedPacket } from '../../src/shared/capture';
import { toCapturedPacket } from '../../src/engine/capture/decode-packet';
import { echoPacket, ethernet, inVxlan } from './packets';

const HEADER = { linkType: 1, nanos: true, snaplen: 262144 };

function captured(ipPacket: Buffer, index: number, time: number): CapturedPacket {
  const frame = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, ipPacket);
  return toCapturedPacket(HEADER, { seconds: Math.floor(time), fraction: Math.round((time % 1) * 1e9), originalLength: frame.length, data: frame }, index);
}

export const echoRequest = (index: number, time: number, seq = index) => captured(echoPacket('10.2.1.2', '10.2.3.10', 8, seq, Buffer.from('podnet')), index, time);

export const vxlanEcho = (index: number, time: number, seq = index) =>
  captured(inVxlan(echoPacket('10.2.1.2', '10.2.3.10', 8, seq, Buffer.from('podnet')), { src: '198.18.0.11', dst: '198.18.0.12' }), index, time);
