// kubernetes.proxyMode: kube-proxy's rules on every host, as a node holds
// them once kubelet and kube-proxy have started (docs/networking.md §7):
// iptables mode as one iptables-restore (kube-proxy-iptables.ts), nftables
// mode as the `ip kube-proxy` table in one `nft -f` (kube-proxy-nftables.ts).
// Loaded after flannel's rules, as on a node where kube-proxy starts after
// flanneld: its jumps are inserted at the head of the built-in chains.
import { labCluster } from '../../kube/lab-cluster';
import type { ResolvedCluster } from '../../kube/service-types';
import type { Expectation } from '../expected-state';
import { kubeProxyIptables } from '../kube-proxy-iptables';
import { KUBE_PROXY_TABLE, kubeProxyNftables } from '../kube-proxy-nftables';
import type { HostInput, LabInput, NetworkFeature } from '../network-feature';
import type { HostNames } from '../plan-context';
import { iptablesRestoreFileSteps, nftFileSteps } from '../rule-file-steps';

/** The lab's resolved Services (null: no Kubernetes part). */
export const clusterOf = ({ spec, allocation }: LabInput): ResolvedCluster | null => labCluster(spec, allocation)?.cluster ?? null;

/** The nft table's name: kube-proxy's own, or the lab's on a shared machine (`pn-kube-proxy`, as its links are named). */
export const kubeProxyTable = (names: HostNames): string => names.link(KUBE_PROXY_TABLE);

/** kube-proxy's --iptables-localhost-nodeports (iptables mode): 127.0.0.1:<nodePort> is DNATed, which needs route_localnet. */
export const ROUTE_LOCALNET = { kind: 'sysctl', key: 'net.ipv4.conf.all.route_localnet', value: '1' } as const;

const modeOf = ({ spec }: LabInput) => spec.kubernetes?.proxyMode ?? 'none';

export const kubeProxy: NetworkFeature = {
  name: 'kube-proxy',
  applies: (spec) => (spec.kubernetes?.proxyMode ?? 'none') !== 'none',
  hostSteps: (input) => {
    const cluster = clusterOf(input);
    if (!cluster) return {};
    const { host, ctx, names } = input;
    const dir = `${ctx.stateDir}/kube-proxy`;
    if (modeOf(input) === 'nftables') {
      return { publishing: nftFileSteps(`${dir}/kube-proxy.nft`, kubeProxyNftables(cluster, host.name, { table: kubeProxyTable(names) }).script) };
    }
    return { publishing: [ROUTE_LOCALNET, ...iptablesRestoreFileSteps(`${dir}/iptables.rules`, kubeProxyIptables(cluster, host.name, { names }).restore)] };
  },
  expected: (input) => {
    const cluster = clusterOf(input);
    if (!cluster) return [];
    const mode = modeOf(input) === 'nftables' ? 'nftables' : 'iptables';
    const chains: Expectation[] =
      mode === 'iptables'
        ? [
            { kind: 'chain', table: 'nat', chain: input.names.chain('KUBE-SERVICES') },
            { kind: 'chain', table: 'nat', chain: input.names.chain('KUBE-POSTROUTING') },
            { kind: 'chain', table: 'filter', chain: input.names.chain('KUBE-FORWARD') },
          ]
        : [];
    const services: Expectation[] = cluster.services
      .filter((s) => s.clusterIP !== null)
      .map((s) => ({ kind: 'kube-service', mode, service: `${s.namespace}/${s.name}`, endpoints: s.ports.reduce((n, p) => n + p.endpoints.length, 0) }));
    return [...chains, ...services];
  },
};
