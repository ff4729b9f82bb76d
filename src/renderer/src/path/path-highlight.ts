// The hops of one leg of a packet's path (from `path:trace`, derived from
// captures) mapped onto the diagram's elements: the pod, the veth it is
// plugged in by, the bridge, flannel.1, the uplink, the underlay, the
// tunnel or route between hosts — and where the leg was last seen when it
// did not arrive.
import type { PathHop, PathLeg } from '../../../shared/path';
import type { HostState, Snapshot } from '../../../shared/snapshot';
import { hostId, ifaceId, INTERNET_ID, linkId, podId, tapId, UNDERLAY_ID, vethId, type TopologyGraph } from '../topology/topology-graph';

export interface PathHighlight {
  /** Diagram elements (nodes and edges) the packet went through, in path order, each once. */
  ids: string[];
  /** The elements of the hop where the packet was last seen, when it did not arrive. */
  lastSeen: string[];
  /** For each hop (same order as the leg's hops), its elements. */
  hops: string[][];
  reached: boolean;
}

interface Context {
  graph: TopologyGraph;
  exists: Set<string>;
  hosts: Map<string, HostState>;
}

const isUnderlay = (h: PathHop) => h.node === 'underlay';
const sameHop = (a: PathHop, b: PathHop) => a.node === b.node && a.iface === b.iface && a.direction === b.direction && a.offsetNs === b.offsetNs;

/** The pod whose eth0 is the other end of this host veth. */
function podOfHostVeth(host: HostState, iface: string): string | null {
  const index = host.interfaces.find((i) => i.name === iface)?.index;
  if (index === undefined) return null;
  return host.pods.find((p) => p.interfaces.some((i) => i.kind === 'veth' && i.peerIndex === index))?.name ?? null;
}

/** Which member of the underlay a switch port belongs to: its name (`u-host1`), else the host the packet came from or went to. */
function underlayMember(hops: readonly PathHop[], i: number, ctx: Context): string | null {
  const hop = hops[i]!;
  const named = hop.iface.startsWith('u-') ? hop.iface.slice(2) : null;
  if (named && (ctx.hosts.has(named) || named === INTERNET_ID)) return named;
  const step = hop.direction === 'in' ? -1 : 1;
  for (let j = i + step; j >= 0 && j < hops.length; j += step) {
    if (!isUnderlay(hops[j]!)) return hops[j]!.node.split('/')[0]!;
  }
  return null;
}

function hopElements(hops: readonly PathHop[], i: number, ctx: Context): string[] {
  const hop = hops[i]!;
  const [host, pod] = hop.node.split('/') as [string, string | undefined];
  let ids: string[];
  if (pod) ids = [podId(host, pod)];
  else if (hop.node === 'underlay') {
    const member = underlayMember(hops, i, ctx);
    ids = member ? [linkId(member), tapId(member), UNDERLAY_ID] : [UNDERLAY_ID];
  } else if (hop.node === INTERNET_ID) ids = [INTERNET_ID];
  else if (ctx.exists.has(ifaceId(host, hop.iface))) ids = [ifaceId(host, hop.iface)];
  else {
    const h = ctx.hosts.get(host);
    const vethPod = h ? podOfHostVeth(h, hop.iface) : null;
    ids = vethPod ? [vethId(host, vethPod)] : [hostId(host)];
  }
  return ids.filter((id) => ctx.exists.has(id));
}

/** Edges of the diagram of the given kinds from an element of `a` to one of `b` (`directed`: only that way). */
function joining(ctx: Context, a: readonly string[], b: readonly string[], kinds: readonly string[], directed = false): string[] {
  const joins = (from: readonly string[], to: readonly string[], source: string, target: string) => from.includes(source) && to.includes(target);
  return ctx.graph.edges
    .filter((e) => kinds.includes(e.kind) && (joins(a, b, e.source, e.target) || (!directed && joins(b, a, e.source, e.target))))
    .map((e) => e.id);
}

export function pathHighlight(graph: TopologyGraph, snapshot: Snapshot, leg: PathLeg): PathHighlight {
  const ctx: Context = {
    graph,
    exists: new Set([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]),
    hosts: new Map(snapshot.hosts.map((h) => [h.name, h])),
  };
  const hops = leg.hops.map((_, i) => hopElements(leg.hops, i, ctx));
  const ordered: string[] = [];
  const add = (ids: readonly string[]) => {
    for (const id of ids) if (!ordered.includes(id)) ordered.push(id);
  };

  let previous: string[] | null = null;
  let tunnelStart: string[] | null = null;
  leg.hops.forEach((hop, i) => {
    const here = hops[i]!;
    // Between two hosts' uplinks (the underlay hops aside): a host-gw route, the way the packet went.
    if (!isUnderlay(hop)) {
      if (previous) add(joining(ctx, previous, here, ['route'], true));
      previous = here;
    }
    // From the VXLAN device that encapsulated to the one that decapsulated: the tunnel.
    if (hop.ifaceKind === 'vxlan' && hop.direction === 'out') tunnelStart = here;
    if (hop.ifaceKind === 'vxlan' && hop.direction === 'in' && tunnelStart) {
      // Each fdb entry is its own arrow: the one from the encapsulating host to the other.
      add(joining(ctx, tunnelStart, here, ['tunnel'], true));
      tunnelStart = null;
    }
    add(here);
  });

  const seen = leg.lastSeen;
  const last = seen ? leg.hops.findLastIndex((h) => sameHop(h, seen)) : -1;
  const lastSeen = leg.reached || !seen ? [] : last >= 0 ? hops[last]! : hopElements([seen], 0, ctx);
  return { ids: ordered, lastSeen, hops, reached: leg.reached };
}
