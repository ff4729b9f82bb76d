// A path's legs and hops in words, as the panel and the diagram's note say them.
import type { PacketPath, PathHop, PathHopWhy, PathLeg } from '../../../shared/path';

export function legOutcome(leg: PathLeg): string {
  if (leg.reached) return `arrived at ${leg.lastSeen?.node ?? 'its destination'}`;
  if (leg.lastSeen) return `stopped — last seen at ${leg.lastSeen.node} ${leg.lastSeen.iface} (${leg.lastSeen.direction})`;
  return 'never seen';
}

export function hopTunnel(h: PathHop): string | null {
  return h.tunnel ? `in VXLAN ${h.tunnel.src} → ${h.tunnel.dst}:${h.tunnel.port} VNI ${h.tunnel.vni}` : null;
}

/** `+120 µs`; empty for a traced hop (no capture clock: its place in the list is its order). */
export const hopOffset = (h: PathHop) => (h.offsetNs === null ? '' : `+${Math.round(h.offsetNs / 1000)} µs`);

/**
 * Where each namespace's "why" goes in a leg's list: under the last of its hops (hop index → its why),
 * and those traced where no hop was captured (after the hops).
 */
export function hopWhys(path: PacketPath, legName: 'request' | 'reply'): { at: Map<number, PathHopWhy>; rest: PathHopWhy[] } {
  const whys = (path.trace?.hops ?? []).filter((w) => w.leg === legName);
  const hops = path[legName].hops;
  const at = new Map<number, PathHopWhy>();
  const told = new Set<string>();
  hops.forEach((h, i) => {
    const w = whys.find((x) => x.node === h.node);
    if (w && hops[i + 1]?.node !== h.node && !told.has(h.node)) {
      told.add(h.node);
      at.set(i, w);
    }
  });
  return { at, rest: whys.filter((w) => !told.has(w.node)) };
}

/** The probe in words: `one ping`, `one TCP connection to port 8080`. */
export function probeWords(path: PacketPath): string {
  if (path.protocol === 'tcp') return `one TCP connection to port ${path.port}`;
  if (path.protocol === 'udp') return `one UDP datagram to port ${path.port}`;
  return 'one ping';
}

/** The legs' names for the probe: echo request/reply, SYN/SYN-ACK, datagram/answer. */
export function legNames(path: PacketPath): { request: string; reply: string } {
  if (path.protocol === 'tcp') return { request: 'SYN', reply: 'SYN-ACK' };
  if (path.protocol === 'udp') return { request: 'Datagram', reply: 'Answer' };
  return { request: 'Echo request', reply: 'Echo reply' };
}
