// The renderer's Services fixture: a real three-node lab as `podnet inspect
// --json` saw it (test/fixtures/nodes3-snapshot.json: services-ui-fx, flannel
// VXLAN, pods named as the cluster's), with, on every host, kube-proxy's
// iptables rules for a small cluster (the engine's kubeProxyIptables, which
// test/integration/kube-proxy-rules.test.ts proves a real node prints back
// unchanged) and the Services the engine's parser reads back from them.
//   default/web        NodePort 30080, 3 endpoints (web-1, web-2, web-3)
//   default/api        ClusterIP, ClientIP affinity, 1 endpoint (api-1)
//   default/db         headless (no rules: absent from every host's services)
//   default/web-local  NodePort 30081, externalTrafficPolicy Local (local-1 on node1)
//   default/kubernetes the apiserver at node1's underlay address :6443
//   kube-system/kube-dns  dns 53/UDP, dns-tcp 53/TCP, metrics 9153 (coredns)
// Regenerate test/fixtures/services-snapshot.json with
// `node scripts/services-fixture.mjs` after the parser or the rules change
// (test/component/services-view.test.ts fails when it is stale).
import { BUILTIN_CHAINS } from '../../src/engine/plan/iptables-text';
import { resolveCluster } from '../../src/engine/kube/service-model';
import type { KubePodInput, KubeServiceInput, ResolvedCluster } from '../../src/engine/kube/service-types';
import { parseIptablesSave } from '../../src/engine/observe/parse-iptables-save';
import { parseKubeServicesIptables } from '../../src/engine/observe/parse-kube-services';
import { kubeProxyIptables } from '../../src/engine/plan/kube-proxy-iptables';
import type { IptablesTables, Snapshot } from '../../src/shared/snapshot';

/** The pods' Kubernetes side (the lab file cannot say it yet): namespace, labels, port. */
const POD_META: Record<string, Omit<KubePodInput, 'name' | 'ip' | 'node'>> = {
  'web-1': { labels: { app: 'web' }, serve: 8080 },
  'web-2': { labels: { app: 'web' }, serve: 8080 },
  'web-3': { labels: { app: 'web' }, serve: 8080 },
  'local-1': { labels: { app: 'web-local' }, serve: 8080 },
  'api-1': { labels: { app: 'api' }, serve: 9000 },
  'db-1': { labels: { app: 'db' }, serve: 5432 },
  coredns: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, serve: 53 },
  client: {},
};

export const SERVICES: KubeServiceInput[] = [
  { name: 'web', type: 'NodePort', clusterIP: '10.96.100.10', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }] },
  { name: 'api', clusterIP: '10.96.100.20', selector: { app: 'api' }, sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, targetPort: 9000 }] },
  { name: 'db', type: 'headless', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] },
  { name: 'web-local', type: 'NodePort', clusterIP: '10.96.100.11', selector: { app: 'web-local' }, externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30081 }] },
];

/** The cluster the snapshot's pods and hosts make (pods at the addresses the lab gave them). */
export function servicesCluster(base: Snapshot): ResolvedCluster {
  const pods = base.hosts.flatMap((h) => h.pods.map((p): KubePodInput => ({ name: p.name, ip: p.ip!, node: h.name, ...POD_META[p.name] })));
  const apiServer = base.hosts[0]!;
  const { cluster, issues } = resolveCluster({
    clusterCidr: '10.244.0.0/16',
    otherNetworks: [{ cidr: '198.18.0.0/24', what: 'the underlay' }],
    apiServer: { ip: apiServer.underlayIp!, port: 6443, node: apiServer.name },
    pods,
    services: SERVICES,
  });
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new Error(`the services fixture's cluster has errors: ${errors.map((e) => e.message).join('; ')}`);
  return cluster;
}

/** What `iptables-save` prints for kube-proxy's rules alone on that node. */
export const kubeProxySaved = (cluster: ResolvedCluster, node: string): string => kubeProxyIptables(cluster, node).saved;

const isBuiltin = (table: 'nat' | 'filter', chain: string) => BUILTIN_CHAINS[table].includes(chain);
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One table of a host that had `base` and then got kube-proxy's rules, as
 * iptables-save prints it: built-in chains' policies, user chains sorted,
 * then the rules chain by chain — kube-proxy's jumps (inserted) before the
 * ones already in a built-in chain.
 */
function mergeTable(table: 'nat' | 'filter', base: string[], kube: string[]): string[] {
  const declared = (lines: string[]) => lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]!);
  const policies = base.filter((l) => l.startsWith(':') && isBuiltin(table, l.slice(1).split(' ')[0]!));
  const userChains = [...new Set([...declared(base), ...declared(kube)].filter((c) => !isBuiltin(table, c)))].sort(byString);
  const rules = (chain: string) => [...kube, ...base].filter((l) => l.startsWith(`-A ${chain} `));
  return [...policies, ...userChains.map((c) => `:${c} -`), ...[...BUILTIN_CHAINS[table], ...userChains].flatMap(rules)];
}

function mergeTables(base: IptablesTables, kube: IptablesTables): IptablesTables {
  return { nat: mergeTable('nat', base.nat, kube.nat), filter: mergeTable('filter', base.filter, kube.filter) };
}

export interface ServicesFixtureOptions {
  /** Change a node's iptables-save text before it is read (delete a KUBE-SEP rule, as a learner would in a terminal). */
  edit?: (node: string, saved: string) => string;
}

/** The base snapshot with kube-proxy's rules on every host, and the Services read back from them. */
export function withServices(base: Snapshot, options: ServicesFixtureOptions = {}): Snapshot {
  const cluster = servicesCluster(base);
  const out = structuredClone(base);
  for (const h of out.hosts) {
    const saved = options.edit ? options.edit(h.name, kubeProxySaved(cluster, h.name)) : kubeProxySaved(cluster, h.name);
    h.iptables = mergeTables(h.iptables, parseIptablesSave(saved));
    h.services = parseKubeServicesIptables(saved);
  }
  return out;
}

