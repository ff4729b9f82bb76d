// A path's legs and hops in words, as the panel and the diagram's note say them.
import type { PathHop, PathLeg } from '../../../shared/path';

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
