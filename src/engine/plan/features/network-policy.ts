// networkPolicies: every host enforces the lab's NetworkPolicies as
// kube-router v2.11.1's netpol controller does with plain iptables and ipsets
// (kube-router-netpol.ts; docs/networking.md §6): the KUBE-ROUTER-INPUT /
// -FORWARD / -OUTPUT jumps at position 1 of the built-in chains, a
// KUBE-POD-FW-… chain for each pod of the host, a KUBE-NWPLCY-… chain for
// every policy of the cluster, and the ipsets of the selectors (`ipset`
// restore: the node image has ipset). One `ipset restore` and one
// `iptables-restore --noflush` per host, written under
// <stateDir>/kube-router/.
//
// Only when the lab has a policy (kube-router installs nothing on a cluster
// without one that would change a packet's fate), and LAST in a host's plan:
// kube-router's jumps are inserted at position 1 after flannel's, Docker's and
// kube-proxy's rules are in, so they are judged first, as on a node where
// kube-router keeps its jumps at the head of the chains. Chain names hash in a
// sync version that kube-router takes from the clock on every sync; the lab
// derives it from the lab's name (syncVersionFor), so they are stable per lab.
import { labNetpolCluster } from '../../kube/lab-netpol';
import { isolationOf } from '../../kube/netpol-evaluate';
import { policyId } from '../../kube/network-policy';
import type { Expectation } from '../expected-state';
import { syncVersionFor } from '../kube-router-names';
import { kubeRouterInstallSteps, renderKubeRouterNode } from '../kube-router-netpol';
import type { HostInput, NetworkFeature } from '../network-feature';
import { cmd } from '../step';

/**
 * The node image has ipset; a host that is this machine (local driver) may
 * not: say so before anything is loaded, instead of the shell's "not found".
 */
export const IPSET_CHECK = cmd('sh', '-c', 'command -v ipset >/dev/null || { echo "NetworkPolicies need ipset on the host: apt-get install ipset" >&2; exit 1; }');

/** Where kube-router's inputs are written on a host. */
export const kubeRouterDir = (stateDir: string): string => `${stateDir}/kube-router`;

export const networkPolicy: NetworkFeature = {
  name: 'network-policy',
  applies: (spec) => (spec.kubernetes?.networkPolicies.length ?? 0) > 0,
  hostSteps: ({ spec, allocation, host, ctx }) => {
    const cluster = labNetpolCluster(spec, allocation);
    if (!cluster) return {};
    const rules = renderKubeRouterNode(cluster, host.name, { syncVersion: syncVersionFor(spec.name), serviceClusterIpRange: spec.kubernetes!.serviceCidr });
    return { ready: [IPSET_CHECK, ...kubeRouterInstallSteps(rules, kubeRouterDir(ctx.stateDir))] };
  },
  expected: ({ spec, allocation, host }: HostInput): Expectation[] => {
    const cluster = labNetpolCluster(spec, allocation);
    if (!cluster) return [];
    const pods = cluster.pods
      .filter((p) => p.node === host.name)
      .map((p) => {
        const isolation = isolationOf(cluster, p);
        return { pod: policyId(p), ip: p.ip, ingress: isolation.ingress.length > 0, egress: isolation.egress.length > 0 };
      });
    return [{ kind: 'netpol', policies: cluster.policies.length, pods }];
  },
};
