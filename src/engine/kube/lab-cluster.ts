// A lab's Services resolved against its allocated pods: the input of
// kube-proxy's rules, the cluster DNS and the hostPort chains (the plan's
// kube features), and the check of the lab file once addresses are known.
import type { Allocation } from '../ipam/allocation';
import type { LabSpec } from '../spec/lab-spec';
import { resolveCluster, type ResolveResult } from './service-model';
import type { KubePodInput } from './service-types';

/** Null when the lab has no Kubernetes part or no pod network. */
export function labCluster(spec: LabSpec, allocation: Allocation): ResolveResult | null {
  const k = spec.kubernetes;
  if (!k || !allocation.flannel) return null;
  const ipOf = new Map(allocation.hosts.flatMap((h) => h.pods.map((p) => [`${h.name}/${p.name}`, p] as const)));
  const pods: KubePodInput[] = k.pods.flatMap((p) => {
    const a = ipOf.get(`${p.host}/${p.pod}`);
    return a ? [{ name: p.pod, namespace: p.namespace, labels: p.labels, ip: a.ip, node: p.host, serve: a.serve, path: p.path }] : [];
  });
  const otherNetworks = [
    ...(allocation.underlay.subnet ? [{ cidr: allocation.underlay.subnet, what: 'the underlay' }] : []),
    ...(allocation.internet ? [{ cidr: allocation.internet.net, what: "the lab internet's network" }] : []),
  ];
  return resolveCluster({
    serviceCidr: k.serviceCidr,
    clusterCidr: allocation.flannel.network,
    clusterDomain: k.clusterDomain,
    dns: k.dns,
    // A lab has no apiserver: default/kubernetes is left out (its address, the CIDR's first, stays reserved).
    apiServer: null,
    otherNetworks,
    pods,
    services: k.services,
  });
}
