// The lab file's Kubernetes fields → LabSpec.kubernetes, before addresses
// are allocated: pods' namespaces, labels and hostPorts, the Services, and
// with `dns` the DNS server pod, added to the first host like any pod (it
// then gets its address, veth and namespace from the usual steps). What
// needs the pods' addresses (selectors, ClusterIPs, NodePorts) is checked
// after allocation, by kube-cluster.ts.
import { DEFAULT_CLUSTER_DOMAIN, DEFAULT_SERVICE_CIDR } from '../kube/service-model';
import { KUBE_DNS_LABELS, KUBE_DNS_NAMESPACE } from '../kube/builtin-services';
import type { KubeServiceInput } from '../kube/service-types';
import type { DriverRules } from './driver-traits';
import type { FieldPath } from './field-path';
import type { LabFile } from './lab-schema';
import type { LabSpec } from './lab-spec';
import type { KubePodSpec, KubernetesSpec } from './kubernetes-spec';
import type { SpecOrigins } from './normalize-lab';
import type { SpecIssue } from './spec-issue';
import { valueAt } from './schema-issues';
import { labPolicies } from './parse-network-policies';

/** The DNS server pod's name (kube-system; the Deployment of a kubeadm cluster is `coredns`, this one runs dnsmasq). */
export const DNS_POD_NAME = 'kube-dns';

type PodItem = { namespace?: string; labels?: Record<string, string>; hostPort?: { port: number; containerPort: number; protocol?: 'TCP' | 'UDP' } };

/** The first Kubernetes field a lab file uses, for "docker0 mode has none". */
function firstKubeField(file: LabFile, origins: SpecOrigins): FieldPath | null {
  if (file.kubernetes !== undefined) return ['kubernetes'];
  if (file.services !== undefined) return ['services'];
  if (file.networkPolicies !== undefined) return ['networkPolicies'];
  if (file.namespaces !== undefined) return ['namespaces'];
  for (const paths of origins.pods) {
    for (const path of paths) {
      const item = valueAt(file, path);
      if (item && typeof item === 'object') {
        for (const key of ['namespace', 'labels', 'hostPort'] as const) if (key in item) return [...path, key];
      }
    }
  }
  return null;
}

/**
 * Fills `spec.kubernetes` (null when the file has no Kubernetes field) and,
 * with cluster DNS, adds its server pod to the first host (and its origin).
 */
export function applyKubernetes(file: LabFile, spec: LabSpec, origins: SpecOrigins, drivers: DriverRules): SpecIssue[] {
  const first = firstKubeField(file, origins);
  spec.kubernetes = null;
  if (!first) return [];
  if (spec.network.mode !== 'pod-cidr') {
    return [{ path: first, atKey: true, message: 'Services, NetworkPolicies, namespaces, labels and hostPorts need a pod network', hint: 'set `network: { mode: pod-cidr }` (docker0 mode has no Kubernetes)' }];
  }
  if (!drivers.traits(spec.driver).kubernetes) {
    // E.g. a machine's teardown removes what the lab's manifest lists, which does not yet read rule files (kube-proxy's, portmap's).
    return [{ path: first, atKey: true, message: `Services, NetworkPolicies, namespaces, labels and hostPorts are not yet supported on the ${spec.driver} driver`, hint: `run this lab with the ${drivers.kindsWith('kubernetes').join(' or ')} driver` }];
  }
  const issues: SpecIssue[] = [];
  const cluster = file.kubernetes !== undefined || file.services !== undefined;
  const k = file.kubernetes ?? {};
  const pods: KubePodSpec[] = [];
  spec.hosts.forEach((host, i) => {
    const seenHostPorts = new Map<string, string>();
    host.pods.forEach((pod, j) => {
      const path = origins.pods[i]![j]!;
      const raw = valueAt(file, path);
      const item: PodItem = raw && typeof raw === 'object' ? (raw as PodItem) : {};
      const hostPort = item.hostPort ? { port: item.hostPort.port, containerPort: item.hostPort.containerPort, protocol: item.hostPort.protocol ?? 'TCP' } : null;
      if (hostPort) {
        const key = `${hostPort.port}/${hostPort.protocol}`;
        const owner = seenHostPorts.get(key);
        if (owner) issues.push({ path: [...path, 'hostPort', 'port'], message: `hostPort ${key} on ${host.name} is already taken by pod ${owner}`, hint: 'a host port belongs to one pod of a node; pick another port' });
        seenHostPorts.set(key, pod.name);
      }
      pods.push({ host: host.name, pod: pod.name, namespace: item.namespace ?? 'default', labels: item.labels ?? {}, hostPort, path });
    });
  });
  const dns = cluster && (k.dns ?? true);
  let dnsPod: KubernetesSpec['dnsPod'] = null;
  const firstHost = spec.hosts[0];
  if (dns && firstHost) {
    const clash = pods.find((p) => p.host === firstHost.name && p.pod === DNS_POD_NAME);
    if (clash) issues.push({ path: [...clash.path], message: `pod name "${DNS_POD_NAME}" on ${firstHost.name} is the cluster DNS server's`, hint: 'rename the pod, or set `kubernetes: { dns: false }`' });
    else {
      const path: FieldPath = file.kubernetes?.dns !== undefined ? ['kubernetes', 'dns'] : file.kubernetes !== undefined ? ['kubernetes'] : ['services'];
      firstHost.pods.push({ name: DNS_POD_NAME, ip: null, serve: null });
      origins.pods[0]!.push(path);
      pods.push({ host: firstHost.name, pod: DNS_POD_NAME, namespace: KUBE_DNS_NAMESPACE, labels: KUBE_DNS_LABELS, hostPort: null, path });
      dnsPod = { host: firstHost.name, pod: DNS_POD_NAME };
    }
  }
  const services: KubeServiceInput[] = (file.services ?? []).map((s, i) => ({
    name: s.name,
    ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
    ...(s.type !== undefined ? { type: s.type } : {}),
    ...(s.clusterIP !== undefined && s.clusterIP !== 'None' ? { clusterIP: s.clusterIP } : {}),
    ...(s.clusterIP === 'None' ? { type: 'headless' as const } : {}),
    ...(s.selector !== undefined ? { selector: s.selector } : {}),
    ports: s.ports.map((p) => ({ ...p })),
    ...(s.externalTrafficPolicy !== undefined ? { externalTrafficPolicy: s.externalTrafficPolicy } : {}),
    ...(s.sessionAffinity !== undefined ? { sessionAffinity: s.sessionAffinity } : {}),
    ...(s.sessionAffinityConfig?.clientIP?.timeoutSeconds !== undefined ? { sessionAffinityTimeoutSeconds: s.sessionAffinityConfig.clientIP.timeoutSeconds } : {}),
    path: ['services', i],
  }));
  const known = new Set(['default', ...pods.map((p) => p.namespace), ...services.map((s) => s.namespace ?? 'default')]);
  const netpol = labPolicies(file, known);
  issues.push(...netpol.issues);
  spec.kubernetes = {
    serviceCidr: k.serviceCidr ?? DEFAULT_SERVICE_CIDR,
    proxyMode: k.proxyMode ?? (cluster ? 'iptables' : 'none'),
    dns,
    clusterDomain: k.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    dnsPod,
    pods,
    services,
    namespaces: netpol.namespaces,
    networkPolicies: netpol.policies,
  };
  return issues;
}
