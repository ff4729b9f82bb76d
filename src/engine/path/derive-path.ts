// Sightings of one ping → its path: the hops of the request and of the
// reply in the order the kernel saw them, what happened at each (tunnel in
// or out, addresses rewritten), and — where a leg never arrived — where the
// packet was last seen and why it went no further, read from the observed state.
import type { PacketPath, PathHop, PathLeg } from '../../shared/path';
import type { Snapshot } from '../../shared/snapshot';
import { findNode } from '../observe/snapshot-nodes';
import { formatRoute, lookupRoute } from '../observe/route-lookup';
import type { ErrorSighting, Sighting } from './path-observations';

export interface DeriveInput {
  lab: string;
  from: string;
  to: string;
  source: string | null;
  destination: string;
  /** The node the source is (`host1/a`), and the nodes that hold the destination address. */
  sourceNode: string;
  destinationNodes: readonly string[];
  ok: boolean;
  observed: string[];
  sightings: readonly Sighting[];
  errors: readonly ErrorSighting[];
  snapshot: Snapshot;
}

function byTime<T extends { timeNs: bigint }>(items: readonly T[]): T[] {
  // Stable: sightings of one capture keep the order the kernel delivered them in.
  return [...items].sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
}

function noteFor(s: Sighting, prev: Sighting | undefined): string | null {
  const notes: string[] = [];
  if (s.ifaceKind === 'vxlan') notes.push(s.direction === 'out' ? 'encapsulate into VXLAN' : 'decapsulate from VXLAN');
  if (prev && prev.packet.src !== s.packet.src) notes.push(`source rewritten ${prev.packet.src} → ${s.packet.src}${s.leg === 'request' ? ' (masquerade)' : ''}`);
  if (prev && prev.packet.dst !== s.packet.dst) notes.push(`destination rewritten ${prev.packet.dst} → ${s.packet.dst}${s.leg === 'reply' ? ' (conntrack undoes the masquerade)' : ''}`);
  return notes.length ? notes.join('; ') : null;
}

function toHops(sightings: readonly Sighting[]): PathHop[] {
  const first = sightings[0]?.timeNs ?? 0n;
  return sightings.map((s, i) => ({
    node: s.node,
    iface: s.iface,
    ifaceKind: s.ifaceKind,
    direction: s.direction,
    offsetNs: Number(s.timeNs - first),
    packet: { src: s.packet.src, dst: s.packet.dst, protocol: s.packet.protocol, info: s.packet.info },
    tunnel: s.tunnel,
    note: noteFor(s, sightings[i - 1]),
  }));
}

/** Why a packet last seen at `last` (or at `atNode`, never sent) went no further. */
function explainStop(input: DeriveInput, last: PathHop | null, atNode: string, address: string, errors: readonly ErrorSighting[]): string {
  const error = errors.find((e) => e.direction === 'out') ?? errors[0];
  const node = findNode(input.snapshot, last?.node ?? atNode);
  const where = last?.node ?? atNode;
  if (!node) return `last seen at ${where}; it could not be read`;
  const route = lookupRoute(node.netns.routes, address);
  if (error) return `${error.node} answered "${error.info}" (ICMP from ${error.src})${route ? '' : `: ${where} has no route to ${address}`}`;
  if (last && last.direction === 'out') {
    if (last.ifaceKind === 'vxlan' && route?.gateway) {
      const neighbour = node.netns.neighbours.find((n) => n.dst === route.gateway && n.dev === last.iface);
      if (!neighbour?.lladdr) return `${where}: ${last.iface} has no neighbour entry for ${route.gateway} (no VTEP MAC to send to)`;
      const fdb = node.host.fdb.find((f) => f.dev === last.iface && f.mac === neighbour.lladdr && f.dst);
      if (!fdb) return `${where}: ${last.iface} has no fdb entry for ${neighbour.lladdr}, so the kernel does not know which host to send the VXLAN packet to (nolearning: it will not learn one)`;
      return `${where}: encapsulated for ${fdb.dst}, but the VXLAN packet was not seen leaving`;
    }
    return `left ${where} by ${last.iface}, but nothing was seen receiving it`;
  }
  if (!route) return `${where} has no route to ${address}`;
  return `${where} routes ${address} by "${formatRoute(route)}", but the packet was not seen leaving (dropped: firewall, rp_filter, or no neighbour)`;
}

function leg(input: DeriveInput, sightings: Sighting[], goal: readonly string[], startNode: string, address: string, errors: readonly ErrorSighting[]): PathLeg {
  const hops = toHops(sightings);
  const lastSeen = hops[hops.length - 1] ?? null;
  const reached = lastSeen !== null && lastSeen.direction === 'in' && goal.includes(lastSeen.node);
  return { hops, reached, lastSeen, reason: reached ? null : explainStop(input, lastSeen, startNode, lastSeen?.packet.dst ?? address, errors) };
}

export function derivePath(input: DeriveInput): PacketPath {
  const requests = input.sightings.filter((s) => s.leg === 'request');
  const seq = requests.length ? Math.min(...requests.map((s) => s.seq)) : null;
  const ofSeq = (l: Sighting['leg']) => byTime(input.sightings.filter((s) => s.leg === l && s.seq === seq));
  const requestSightings = ofSeq('request');
  const replySightings = ofSeq('reply');
  const errors = byTime(input.errors);

  const request = leg(input, requestSightings, input.destinationNodes.length ? input.destinationNodes : ['?'], input.sourceNode, input.destination, errors);
  // The reply starts where the request arrived, and goes back to whatever source address the request carried there.
  const arrivedAt = request.reached ? request.lastSeen!.node : null;
  const replyTo = request.lastSeen?.packet.src ?? input.source ?? '';
  const reply: PathLeg = arrivedAt
    ? leg(input, replySightings, [input.sourceNode], arrivedAt, replyTo, [])
    : { hops: [], reached: false, lastSeen: null, reason: 'no reply: the request never arrived' };
  if (arrivedAt && reply.hops.length === 0) reply.reason = `${arrivedAt} sent no reply: ${explainStop(input, null, arrivedAt, replyTo, [])}`;
  return {
    lab: input.lab,
    from: input.from,
    to: input.to,
    protocol: 'icmp',
    port: null,
    source: input.source,
    destination: input.destination,
    ok: input.ok,
    request,
    reply,
    observed: input.observed,
    trace: null,
  };
}
