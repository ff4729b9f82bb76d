// The lab's Services on the diagram, from the hosts' kube-proxy rules as
// observed: a virtual-IP node per Service (name, ClusterIP:port, type) with
// an edge to each endpoint (a pod, or a host for the apiserver) labelled with
// the share of new connections the rules give it and the rule's own
// probability; a badge per node port on every host. Hosts can disagree (a
// KUBE-SEP rule deleted on one): an endpoint some hosts lack is drawn broken
// and says where it is missing; one no host sends to is not drawn at all.
import type { ClusterEndpoint, ClusterService, ClusterServicePort } from './cluster-services';
import { percent, probabilityText, serviceTitle } from './cluster-services';
import type { GraphEdge, GraphNode } from './topology-graph';

export const serviceId = (key: string) => `svc:${key}`;
export const endpointEdgeId = (key: string, ip: string) => `ep:${key}:${ip}`;
export const nodePortId = (host: string, nodePort: number, protocol: string) => `np:${host}:${nodePort}/${protocol}`;

/** Ids of the drawing's other elements. */
export interface ServiceGraphIds {
  /** An endpoint's pod. */
  pod(host: string, pod: string): string;
  /** A host's box: where a node-port badge sits, and the end of an edge to an endpoint at the host's own address (the apiserver). */
  host(host: string): string;
}

/** What a node port does on one host. */
export type NodePortState = 'ok' | 'drop' | 'reject' | 'missing';

export function nodePortState(p: ClusterServicePort, host: string): NodePortState {
  const own = p.hosts.find((h) => h.host === host)?.port ?? null;
  if (!own || own.nodePort === null) return 'missing';
  if (own.noEndpoints.nodePort === 'reject') return 'reject';
  if (own.noEndpoints.nodePort === 'drop' || (own.externalTrafficPolicy === 'Local' && (own.localEndpoints ?? []).length === 0)) return 'drop';
  return 'ok';
}

const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

/** Three lines: the name, the virtual IP with its ports, the type (node ports, protocols, Local). */
export function serviceLabel(svc: ClusterService): string {
  const numbers = unique(svc.ports.map((p) => p.port).filter((n): n is number => n !== null));
  const vip = svc.ports.find((p) => p.clusterIP)?.clusterIP ?? null;
  const protocols = unique(svc.ports.map((p) => p.protocol));
  const nodePorts = unique(svc.ports.map((p) => p.nodePort).filter((n): n is number => n !== null));
  const where = svc.kind === 'headless' ? `no virtual IP${numbers.length ? ` · ${numbers.map((n) => `:${n}`).join(' ')}` : ''}` : `${vip ?? '?'}${numbers.length ? `:${numbers.join(',')}` : ''}`;
  const type = [
    svc.kind === 'NodePort' ? `NodePort ${nodePorts.join(',')}` : svc.kind,
    ...(protocols.length > 1 || protocols[0] !== 'tcp' ? [protocols.join('+')] : []),
    ...(svc.ports.some((p) => p.externalTrafficPolicy === 'Local') ? ['Local'] : []),
  ].join(' · ');
  return [serviceTitle(svc), where, type].join('\n');
}

/** `33% · p 0.5` (the share, and the rule's own probability), `100%` for the only endpoint; where hosts disagree, every share they give. */
export function endpointLabel(ep: ClusterEndpoint): string {
  const seen = ep.hosts.flatMap((h) => (h.endpoint ? [h.endpoint] : []));
  const shares = unique(seen.map((e) => percent(e.share)));
  const probabilities = unique(seen.map((e) => probabilityText(e.probability)));
  let text: string;
  // The only endpoint: its rule's probability (none in iptables, 1 in nftables) says nothing more.
  if (shares.length === 1 && probabilities.length === 1) text = shares[0] === '100%' ? '100%' : `${shares[0]} · p ${probabilities[0]}`;
  else text = shares.join(' / ');
  return ep.missingOn.length ? `${text}\nnot on ${ep.missingOn.join(', ')}` : text;
}

/** Service nodes, their endpoint edges, and the node-port badges (on their hosts; the number says whose they are). */
export function serviceElements(services: readonly ClusterService[], hosts: readonly string[], ids: ServiceGraphIds): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const svc of services) {
    const id = serviceId(svc.key);
    const sel = { kind: 'service' as const, service: svc.key };
    const classes = ['service', svc.kind === 'headless' ? 'headless' : 'vip'];
    if (svc.missingOn.length) classes.push('partial');
    nodes.push({ id, kind: 'service', label: serviceLabel(svc), row: 'none', classes, sel });
    for (const ep of svc.endpoints) {
      if (!ep.place || ep.hosts.every((h) => !h.endpoint)) continue;
      const target = ep.place.kind === 'pod' ? ids.pod(ep.place.host, ep.place.pod) : ids.host(ep.place.host);
      edges.push({
        id: endpointEdgeId(svc.key, ep.ip),
        kind: 'endpoint',
        source: id,
        target,
        label: svc.kind === 'headless' ? '' : endpointLabel(ep),
        classes: ['endpoint', ...(svc.kind === 'headless' ? ['headless'] : []), ...(ep.missingOn.length ? ['partial'] : [])],
        sel: { ...sel, endpoint: ep.ip },
      });
    }
    for (const p of svc.ports) {
      if (p.nodePort === null) continue;
      for (const host of hosts) {
        const state = nodePortState(p, host);
        const npId = nodePortId(host, p.nodePort, p.protocol);
        if (nodes.some((n) => n.id === npId)) continue;
        const hostSel = { ...sel, host };
        nodes.push({ id: npId, kind: 'nodeport', anchor: ids.host(host), label: `${p.nodePort}${p.protocol === 'tcp' ? '' : `/${p.protocol}`}`, row: 'none', classes: ['nodeport', state], sel: hostSel });
      }
    }
  }
  return { nodes, edges };
}
