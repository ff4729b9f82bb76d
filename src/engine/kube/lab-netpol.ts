// A lab's NetworkPolicy model: its pods (with their allocated addresses,
// namespaces and labels, the DNS server pod included), its declared
// namespaces and its policies — the input of kube-router's rules
// (plan/kube-router-netpol.ts) and of the evaluator (netpol-evaluate.ts).
import type { Allocation } from '../ipam/allocation';
import type { LabSpec } from '../spec/lab-spec';
import type { KubeCluster } from './network-policy';

/** Null when the lab declares no NetworkPolicy (or has no pod network). */
export function labNetpolCluster(spec: LabSpec, allocation: Allocation): KubeCluster | null {
  const k = spec.kubernetes;
  if (!k || k.networkPolicies.length === 0 || !allocation.flannel) return null;
  const ipOf = new Map(allocation.hosts.flatMap((h) => h.pods.map((p) => [`${h.name}/${p.name}`, p.ip] as const)));
  const pods = k.pods.flatMap((p) => {
    const ip = ipOf.get(`${p.host}/${p.pod}`);
    return ip ? [{ name: p.pod, namespace: p.namespace, labels: p.labels, ip, node: p.host }] : [];
  });
  return { namespaces: k.namespaces, pods, policies: k.networkPolicies };
}
