// The namespaces a packet can cross, from the OBSERVED state alone: start in
// the source's namespace and follow what the kernel would do there — the
// route it picks (longest prefix, main table), into a pod through the bridge,
// to another host through the vxlan device (neighbour → fdb → the remote
// VTEP's underlay address) or over the underlay (the route's gateway, or the
// address itself on the link) — until a namespace holds the destination
// address, or nothing takes the packet further. The reply leg goes the same
// way back from where the request arrives to the source's address.
//
// `podnet path` captures only in these namespaces (not in every namespace of
// the lab); rule-level tracing follows the same list.
import type { HostState, NetnsState, Snapshot } from '../../shared/snapshot';
import { formatRoute, lookupRoute } from '../observe/route-lookup';
import { allHosts } from '../observe/snapshot-nodes';
import { UNDERLAY_NODE } from '../spec/names';

/** The node the lab's underlay switch is called by (captures, hops). */
export { UNDERLAY_NODE };

export interface PathNamespace {
  /** As the path's hops name it: `host1/a`, `host1`, `underlay`, `internet`. */
  node: string;
  /** The host whose kernel it is (`underlay`: the lab's switch). */
  host: string;
  /** The pod's namespace on that host; null: the host's own. */
  pod: string | null;
  /** How the packet leaves it towards the next namespace (the route, as `ip route` prints it); null where the leg ends. */
  via: string | null;
}

export interface PathNamespacesLeg {
  namespaces: PathNamespace[];
  /** The last namespace holds the address the leg goes to. */
  arrives: boolean;
  /** Why the leg ends before arriving (no route, no neighbour, no fdb entry…); null when it arrives. */
  stop: string | null;
}

export interface PathNamespaces {
  request: PathNamespacesLeg;
  /** From where the request arrives back to the source's address (empty when the request does not arrive). */
  reply: PathNamespacesLeg;
  /** Every namespace of both legs, in the order the packet crosses them: the request's, then the reply's others. */
  namespaces: PathNamespace[];
  /**
   * The snapshot was partial and a leg needs a host it does not have (the owner of an underlay address
   * a route or fdb entry points to): read every host and compute again.
   */
  incomplete: boolean;
}

export interface PathQuery {
  /** The source node: `host1/a`, `host1`, `internet`. */
  from: string;
  destination: string;
  /** The source's own address (the reply goes to it); null: no reply leg. */
  source: string | null;
  /** The lab has an underlay switch to capture on (containers, namespaces; not real machines). */
  underlaySwitch: boolean;
  /** The snapshot holds only some hosts (the source's and the destination's, say). */
  partial?: boolean;
}

interface Place {
  host: HostState;
  netns: NetnsState;
  pod: string | null;
}

const holds = (netns: NetnsState, address: string) => netns.interfaces.some((i) => i.addresses.some((a) => a.family === 'inet' && a.address === address));
const nodeName = (p: Place) => (p.pod ? `${p.host.name}/${p.pod}` : p.host.name);

function placeOf(snapshot: Snapshot, node: string): Place | null {
  const [hostName, podName] = node.split('/');
  const host = allHosts(snapshot).find((h) => h.name === hostName && h.reachable);
  if (!host) return null;
  if (podName === undefined) return { host, netns: host, pod: null };
  const pod = host.pods.find((p) => p.name === podName);
  return pod ? { host, netns: pod, pod: pod.name } : null;
}

type Step = { next: Place[]; via: string } | { stop: string; unread?: boolean };

/** Where the kernel of one namespace sends a packet for `address`. */
function step(snapshot: Snapshot, at: Place, address: string, underlaySwitch: boolean): Step {
  const route = lookupRoute(at.netns.routes, address);
  if (!route) return { stop: `${nodeName(at)} has no route to ${address}` };
  const via = formatRoute(route);
  // A pod's only link leads to its host.
  if (at.pod) return { next: [{ host: at.host, netns: at.host, pod: null }], via };
  const dev = at.host.interfaces.find((i) => i.name === route.dev);
  const nextHop = route.gateway ?? address;
  const overUnderlay = (ip: string): Step => {
    const owner = allHosts(snapshot).find((h) => h.underlayIp === ip && h.name !== at.host.name);
    const viaSwitch: Place[] = underlaySwitch ? [underlayPlace()] : [];
    if (!owner) return { stop: `no host of the lab has the underlay address ${ip}`, unread: true };
    if (!owner.reachable) return { stop: `${owner.name} could not be read` };
    return { next: [...viaSwitch, { host: owner, netns: owner, pod: null }], via };
  };
  if (dev?.kind === 'vxlan') {
    const neighbour = at.host.neighbours.find((n) => n.dev === dev.name && n.dst === nextHop && n.lladdr);
    if (!neighbour) return { stop: `${at.host.name}: ${dev.name} has no neighbour entry for ${nextHop}` };
    const fdb = at.host.fdb.find((f) => f.dev === dev.name && f.mac === neighbour.lladdr && f.dst);
    if (!fdb) return { stop: `${at.host.name}: ${dev.name} has no fdb entry for ${neighbour.lladdr}` };
    return overUnderlay(fdb.dst!);
  }
  if (dev && at.host.underlayIp && dev.addresses.some((a) => a.address === at.host.underlayIp)) return overUnderlay(nextHop);
  // The bridge (or a pod's veth): a pod of this host.
  const pod = at.host.pods.find((p) => p.ip === nextHop);
  if (pod) return { next: [{ host: at.host, netns: pod, pod: pod.name }], via };
  return { stop: `${at.host.name} sends it by ${route.dev ?? '?'} ("${via}"), where no namespace of the lab holds ${nextHop}` };
}

function underlayPlace(): Place {
  const sw: HostState = { name: UNDERLAY_NODE, role: 'host', reachable: true, error: null, interfaces: [], routes: [], neighbours: [], fdb: [], iptables: { nat: [], filter: [] }, underlayIp: null, pods: [] };
  return { host: sw, netns: sw, pod: null };
}

const toNamespace = (p: Place, via: string | null): PathNamespace => ({ node: nodeName(p), host: p.host.name, pod: p.pod, via });

function followLeg(snapshot: Snapshot, start: Place | null, address: string, underlaySwitch: boolean): PathNamespacesLeg & { unread: boolean } {
  if (!start) return { namespaces: [], arrives: false, stop: 'the source could not be read', unread: false };
  const namespaces: PathNamespace[] = [];
  const seen = new Set<string>();
  let at = start;
  // A namespace seen twice is a routing loop: the packet goes round until its TTL ends.
  while (!seen.has(nodeName(at))) {
    seen.add(nodeName(at));
    if (holds(at.netns, address)) {
      namespaces.push(toNamespace(at, null));
      return { namespaces, arrives: true, stop: null, unread: false };
    }
    const s = step(snapshot, at, address, underlaySwitch);
    if ('stop' in s) {
      namespaces.push(toNamespace(at, null));
      return { namespaces, arrives: false, stop: s.stop, unread: s.unread ?? false };
    }
    namespaces.push(toNamespace(at, s.via));
    for (const transit of s.next.slice(0, -1)) namespaces.push(toNamespace(transit, null));
    at = s.next[s.next.length - 1]!;
  }
  return { namespaces, arrives: false, stop: `a routing loop: ${nodeName(at)} again`, unread: false };
}

/** The namespaces a packet from `query.from` to `query.destination` can cross, and its reply. */
export function pathNamespaces(snapshot: Snapshot, query: PathQuery): PathNamespaces {
  const { unread: requestUnread, ...request } = followLeg(snapshot, placeOf(snapshot, query.from), query.destination, query.underlaySwitch);
  const arrivedAt = request.arrives ? request.namespaces[request.namespaces.length - 1]!.node : null;
  const { unread: replyUnread, ...reply } =
    arrivedAt && query.source
      ? followLeg(snapshot, placeOf(snapshot, arrivedAt), query.source, query.underlaySwitch)
      : { namespaces: [], arrives: false, stop: arrivedAt ? 'no source address to reply to' : 'the request does not arrive', unread: false };
  const namespaces = [...request.namespaces];
  for (const n of reply.namespaces) if (!namespaces.some((m) => m.node === n.node)) namespaces.push(n);
  return { request, reply, namespaces, incomplete: (query.partial ?? false) && (requestUnread || replyUnread) };
}
