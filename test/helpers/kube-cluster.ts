// The Services the kube-proxy, DNS and parser tests share: the examples of
// docs/networking.md ("kube-proxy, iptables mode"), on three nodes.
//   web        NodePort 30080, eTP Cluster, 3 endpoints (one per node)
//   web-local  NodePort 30081, eTP Local, 1 endpoint on node1
//   sticky     ClusterIP, ClientIP affinity, unnamed port, 1 endpoint on node1
//   empty      NodePort 30082, a selector that picks no pod
import { resolveCluster } from '../../src/engine/kube/service-model';
import type { KubeClusterInput, KubePodInput, KubeServiceInput, ResolvedCluster } from '../../src/engine/kube/service-types';

export const CLUSTER_CIDR = '10.244.0.0/16';

export const PODS: KubePodInput[] = [
  { name: 'web-1', labels: { app: 'web' }, ip: '10.244.1.5', node: 'node1', serve: 8080 },
  { name: 'web-2', labels: { app: 'web' }, ip: '10.244.2.6', node: 'node2', serve: 8080 },
  { name: 'web-3', labels: { app: 'web' }, ip: '10.244.3.7', node: 'node3', serve: 8080 },
  { name: 'local-1', labels: { app: 'web-local' }, ip: '10.244.1.8', node: 'node1', serve: 8080 },
  { name: 'sticky-1', labels: { app: 'sticky' }, ip: '10.244.1.10', node: 'node1', serve: 80 },
  { name: 'client', ip: '10.244.2.9', node: 'node2' },
];

export const WEB: KubeServiceInput = {
  name: 'web',
  type: 'NodePort',
  clusterIP: '10.96.100.10',
  selector: { app: 'web' },
  ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 }],
};
export const WEB_LOCAL: KubeServiceInput = {
  name: 'web-local',
  type: 'NodePort',
  clusterIP: '10.96.100.11',
  selector: { app: 'web-local' },
  externalTrafficPolicy: 'Local',
  ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30081 }],
};
export const STICKY: KubeServiceInput = { name: 'sticky', clusterIP: '10.96.100.12', selector: { app: 'sticky' }, sessionAffinity: 'ClientIP', ports: [{ port: 80 }] };
export const EMPTY: KubeServiceInput = { name: 'empty', type: 'NodePort', clusterIP: '10.96.100.13', selector: { app: 'nothing' }, ports: [{ name: 'http', port: 80, nodePort: 30082 }] };

/** The four example Services alone (no kubernetes or kube-dns Service). */
export function exampleCluster(services: KubeServiceInput[] = [WEB, WEB_LOCAL, STICKY, EMPTY], extra: Partial<KubeClusterInput> = {}): ResolvedCluster {
  const { cluster, issues } = resolveCluster({ clusterCidr: CLUSTER_CIDR, dns: false, apiServer: null, pods: PODS, services, ...extra });
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(`example cluster has errors: ${errors.map((e) => e.message).join('; ')}`);
  return cluster;
}

/** The block of one table (`*nat` … `COMMIT`) from iptables-save-like text. */
export function tableBlock(text: string, table: string): string {
  const start = text.indexOf(`*${table}\n`);
  if (start < 0) throw new Error(`no *${table} in the text`);
  const end = text.indexOf('COMMIT\n', start);
  return text.slice(start, end + 'COMMIT\n'.length);
}

/** The coredns pod of the larger example (kube-dns on node2). */
export const COREDNS: KubePodInput = { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.244.2.2', node: 'node2', serve: 53 };

/** A service with ports of both protocols, to see how nft orders map elements. */
export const MANY: KubeServiceInput = { name: 'many', selector: { app: 'web' }, clusterIP: '10.96.0.250', ports: [{ name: 'a', port: 256 }, { name: 'b', port: 1 }, { name: 'c', port: 1, protocol: 'UDP' }, { name: 'd', port: 512, protocol: 'UDP' }] };

/**
 * The larger example: the four Services, MANY, kube-dns (coredns on node2)
 * and kubernetes (an apiserver at 192.168.1.1:6443). test/fixtures/
 * kube-proxy-nft-node1.{json,txt} are `nft -j list` / `nft list` of its
 * node1 table, captured from nft 1.0.6 in podnet/node:2.
 */
export function largerCluster(): ResolvedCluster {
  const { cluster } = resolveCluster({ clusterCidr: CLUSTER_CIDR, pods: [...PODS, COREDNS], services: [WEB, WEB_LOCAL, STICKY, EMPTY, MANY], apiServer: { ip: '192.168.1.1', port: 6443, node: null } });
  return cluster;
}
