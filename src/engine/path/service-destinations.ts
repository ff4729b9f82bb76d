// Where a packet to a Service can go: kube-proxy DNATs a connection to a
// ClusterIP:port (or to any node's address at a node port) to one of the
// endpoints its rules name — on this host's rules as observed, never the
// plan. The path follows every one of them, so the trace covers the endpoint
// the rules pick whichever it is (docs/networking.md §7).
import type { PathProtocol } from '../../shared/path';
import type { HostState, Snapshot } from '../../shared/snapshot';
import type { PathNamespace, PathNamespaces, PathNamespacesLeg } from './path-namespaces';

/** The endpoint addresses a new connection from `host` to `address:port` is DNATed to; empty: not a Service. */
export function serviceEndpoints(host: HostState, snapshot: Snapshot, address: string, port: number | null, protocol: PathProtocol): string[] {
  if (port == null || protocol === 'icmp' || !host.services) return [];
  const nodeAddresses = new Set([...snapshot.hosts.map((h) => h.underlayIp), ...snapshot.hosts.flatMap((h) => h.interfaces.flatMap((i) => i.addresses.map((a) => a.address)))]);
  const out = new Set<string>();
  for (const service of host.services.services) {
    for (const p of service.ports) {
      if (p.protocol !== protocol) continue;
      const toClusterIp = p.clusterIP === address && p.port === port;
      const toNodePort = p.nodePort === port && nodeAddresses.has(address);
      if (!toClusterIp && !toNodePort) continue;
      const endpoints = toNodePort && p.localEndpoints ? p.localEndpoints : p.endpoints;
      for (const e of endpoints) out.add(e.ip);
    }
  }
  return [...out];
}

/**
 * The legs' namespaces merged keeping each leg's order: a namespace new to the union goes right before
 * the next one of its own leg already there (another endpoint's hops come before the namespace both reach).
 */
function mergeOrdered(lists: readonly (readonly PathNamespace[])[]): PathNamespace[] {
  const out: PathNamespace[] = [];
  for (const list of lists) {
    list.forEach((n, i) => {
      if (out.some((m) => m.node === n.node)) return;
      const next = list.slice(i + 1).map((later) => out.findIndex((m) => m.node === later.node)).find((at) => at >= 0);
      if (next === undefined) out.push(n);
      else out.splice(next, 0, n);
    });
  }
  return out;
}

function unionLeg(legs: readonly PathNamespacesLeg[]): PathNamespacesLeg {
  const namespaces = mergeOrdered(legs.map((l) => l.namespaces));
  const arrives = legs.some((l) => l.arrives);
  return { namespaces, arrives, stop: arrives ? null : (legs.find((l) => l.stop)?.stop ?? null) };
}

/** The namespaces of several possible paths (one per endpoint), each once, in the order they are first crossed. */
export function unionPaths(paths: readonly PathNamespaces[]): PathNamespaces {
  const request = unionLeg(paths.map((p) => p.request));
  const reply = unionLeg(paths.map((p) => p.reply));
  const namespaces = [...request.namespaces];
  for (const n of reply.namespaces) if (!namespaces.some((m) => m.node === n.node)) namespaces.push(n);
  return { request, reply, namespaces, incomplete: paths.some((p) => p.incomplete) };
}
