// Finding a node of a lab — `host1`, `host1/a`, `internet` — in a Snapshot.
import type { HostState, NetnsState, PodState, Snapshot } from '../../shared/snapshot';

export interface NodeState {
  node: string;
  host: HostState;
  pod: PodState | null;
  /** The namespace itself: the pod's, or the host's. */
  netns: NetnsState;
}

export function allHosts(s: Snapshot): HostState[] {
  return [...s.hosts, ...(s.internet ? [s.internet] : [])];
}

export function findNode(s: Snapshot, node: string): NodeState | null {
  const [hostName, podName] = node.split('/');
  const host = allHosts(s).find((h) => h.name === hostName);
  if (!host) return null;
  if (podName === undefined) return { node, host, pod: null, netns: host };
  const pod = host.pods.find((p) => p.name === podName);
  return pod ? { node, host, pod, netns: pod } : null;
}

/** Every node of the lab: each host, then its pods. */
export function allNodes(s: Snapshot): NodeState[] {
  return allHosts(s).flatMap((host) => [
    { node: host.name, host, pod: null, netns: host },
    ...host.pods.map((pod) => ({ node: `${host.name}/${pod.name}`, host, pod, netns: pod })),
  ]);
}

/** Nodes holding an IPv4 address (127.0.0.0/8 aside) on any interface. */
export function nodesWithAddress(s: Snapshot, ip: string): string[] {
  if (ip.startsWith('127.')) return [];
  return allNodes(s)
    .filter((n) => n.netns.interfaces.some((i) => i.addresses.some((a) => a.family === 'inet' && a.address === ip)))
    .map((n) => n.node);
}
