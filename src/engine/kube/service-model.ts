// The resolved service model: the Services a lab declares, plus the ones a
// kubeadm cluster always has, with their ClusterIPs and NodePorts allocated
// and their endpoints selected — what kube-proxy, the cluster DNS and the
// hostPort chains are generated from, on every node alike.
//
// Endpoints are the ready pods a Service's selector picks in its namespace,
// at targetPort (by number), sorted by their `ip:port` string as kube-proxy
// sorts them (pkg/proxy/endpointslicecache.go, byEndpoint). Services come out
// sorted by namespace and name (kube-proxy itself walks a Go map, so a real
// node's order of services is random; the lab's is stable).
//
// Pure. Problems are values (KubeIssue): errors make the lab bad input, a
// selector that picks no pod is a warning (kube-proxy then REJECTs).
import { cidrProblem, contains, isIpv4, networkOf, nth, overlaps, prefixLen, size } from '../ipam/cidr';
import { allocateNodePorts, allocateServiceIps, kubeDnsServiceIp, kubernetesServiceIp } from '../ipam/service-ips';
import type { FieldPath } from '../spec/field-path';
import { KUBE_DNS_NAMESPACE, kubeDnsService, kubernetesService } from './builtin-services';
import { isDomainName } from './kube-object-names';
import { checkPod, checkService } from './service-checks';
import type {
  KubeClusterInput,
  KubeIssue,
  KubeServiceInput,
  ResolvedCluster,
  ResolvedEndpoint,
  ResolvedPod,
  ResolvedService,
  ResolvedServicePort,
} from './service-types';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

export interface ResolveResult {
  cluster: ResolvedCluster;
  issues: KubeIssue[];
}

interface DeclaredService {
  svc: KubeServiceInput;
  path: FieldPath;
  origin: ResolvedService['origin'];
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The lab's Services resolved against its pods: the one entry point of the model. */
export function resolveCluster(input: KubeClusterInput): ResolveResult {
  const issues: KubeIssue[] = [];
  const base = input.path ?? ['kubernetes'];
  const serviceCidr = input.serviceCidr ?? DEFAULT_SERVICE_CIDR;
  const clusterDomain = input.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const dns = input.dns ?? true;

  issues.push(...checkNetworks(serviceCidr, input, base));
  if (!isDomainName(clusterDomain)) issues.push({ severity: 'error', path: [...base, 'clusterDomain'], message: `"${clusterDomain}" is not a domain name`, hint: 'e.g. cluster.local' });

  const pods = resolvePods(input, issues);
  const cidrUsable = !issues.some((i) => i.severity === 'error' && i.path.at(-1) === 'serviceCidr');
  const dnsIp = cidrUsable && dns ? kubeDnsServiceIp(serviceCidr) : null;
  const apiIp = cidrUsable ? kubernetesServiceIp(serviceCidr) : null;

  const declared: DeclaredService[] = input.services.map((svc, i) => ({ svc, path: svc.path ?? ['services', i], origin: 'lab' }));
  for (const d of declared) issues.push(...checkService(d.svc, d.path));
  if (apiIp && input.apiServer) declared.push({ svc: kubernetesService(apiIp, input.apiServer.port), path: base, origin: 'kubernetes' });
  if (dnsIp) declared.push({ svc: kubeDnsService(dnsIp), path: [...base, 'dns'], origin: 'kube-dns' });
  issues.push(...duplicateServices(declared));

  const clusterIps = cidrUsable ? allocateClusterIps(serviceCidr, declared, [apiIp!, ...(dnsIp ? [dnsIp] : [])], issues) : new Map<DeclaredService, string | null>();
  const nodePorts = allocatePorts(declared, issues);

  const services = declared.map((d) => resolveService(d, pods, clusterIps.get(d) ?? null, nodePorts, input, issues));
  services.sort((a, b) => byString(key(a.namespace, a.name), key(b.namespace, b.name)));
  const namespaces = [...new Set(['default', KUBE_DNS_NAMESPACE, ...pods.map((p) => p.namespace), ...services.map((s) => s.namespace)])].sort(byString);

  return {
    cluster: { serviceCidr, clusterCidr: input.clusterCidr, clusterDomain, dnsServiceIp: dnsIp, namespaces, pods, services },
    issues,
  };
}

function checkNetworks(serviceCidr: string, input: KubeClusterInput, base: FieldPath): KubeIssue[] {
  const at: FieldPath = [...base, 'serviceCidr'];
  const problem = cidrProblem(serviceCidr);
  if (problem) return [{ severity: 'error', path: at, message: `serviceCidr: ${problem.message}`, ...(problem.hint ? { hint: problem.hint } : {}) }];
  const issues: KubeIssue[] = [];
  const len = prefixLen(serviceCidr);
  if (len < 12) issues.push({ severity: 'error', path: at, message: `the service CIDR ${serviceCidr} is too large`, hint: 'the apiserver takes at most a /12 (kubeadm: 10.96.0.0/12)' });
  if (len > 28) issues.push({ severity: 'error', path: at, message: `the service CIDR ${serviceCidr} is too small`, hint: 'it needs at least a /28 (kube-dns takes the 10th address)' });
  if (overlaps(serviceCidr, input.clusterCidr)) issues.push({ severity: 'error', path: at, message: `the service CIDR ${serviceCidr} overlaps the cluster CIDR ${input.clusterCidr}`, hint: 'pick a service CIDR outside the pod network, e.g. 10.96.0.0/12' });
  for (const other of input.otherNetworks ?? []) {
    if (overlaps(serviceCidr, other.cidr)) issues.push({ severity: 'error', path: at, message: `the service CIDR ${serviceCidr} overlaps ${other.what} ${other.cidr}`, hint: 'pick another service CIDR' });
  }
  return issues;
}

function resolvePods(input: KubeClusterInput, issues: KubeIssue[]): ResolvedPod[] {
  const seen = new Set<string>();
  return input.pods.map((p, i) => {
    const path = p.path ?? ['pods', i];
    issues.push(...checkPod(p, path));
    const namespace = p.namespace ?? 'default';
    if (seen.has(key(namespace, p.name))) issues.push({ severity: 'error', path: [...path, 'name'], message: `pod ${key(namespace, p.name)} is declared twice` });
    seen.add(key(namespace, p.name));
    return { name: p.name, namespace, labels: p.labels ?? {}, ip: p.ip, node: p.node, serve: p.serve ?? null, ready: p.ready ?? true };
  });
}

function duplicateServices(declared: readonly DeclaredService[]): KubeIssue[] {
  const issues: KubeIssue[] = [];
  const seen = new Map<string, DeclaredService>();
  for (const d of declared) {
    const k = key(d.svc.namespace ?? 'default', d.svc.name);
    const first = seen.get(k);
    if (!first) {
      seen.set(k, d);
      continue;
    }
    // The cluster's own Services are added last: report the lab's copy, or the lab's second one.
    const twice = first.origin === 'lab' && d.origin === 'lab';
    const at = twice || first.origin !== 'lab' ? d : first;
    const reason = twice ? 'is declared twice' : "is one of the cluster's own Services";
    issues.push({ severity: 'error', path: [...at.path, 'name'], message: `service ${k} ${reason}`, hint: 'give it another name or namespace' });
  }
  return issues;
}

function allocateClusterIps(serviceCidr: string, declared: readonly DeclaredService[], reserved: readonly string[], issues: KubeIssue[]): Map<DeclaredService, string | null> {
  const owners = new Map<string, string>([[reserved[0]!, 'default/kubernetes'], ...(reserved[1] ? [[reserved[1], 'kube-system/kube-dns'] as [string, string]] : [])]);
  const requests: { key: string; fixed: string | null; d: DeclaredService }[] = [];
  for (const d of declared) {
    if ((d.svc.type ?? 'ClusterIP') === 'headless') continue;
    const k = key(d.svc.namespace ?? 'default', d.svc.name);
    const fixed = d.svc.clusterIP ?? null;
    if (d.origin !== 'lab' || fixed === null) {
      requests.push({ key: k, fixed: d.origin === 'lab' ? null : fixed, d });
      continue;
    }
    const at: FieldPath = [...d.path, 'clusterIP'];
    const first = nth(serviceCidr, 0);
    const last = nth(serviceCidr, size(serviceCidr) - 1);
    let problem: string | null = null;
    let hint: string | undefined;
    if (!isIpv4(fixed)) [problem, hint] = [`clusterIP "${fixed}" is not an IPv4 address`, 'e.g. 10.96.100.10, or leave it out to get one'];
    else if (!contains(serviceCidr, fixed)) [problem, hint] = [`clusterIP ${fixed} is outside the service CIDR ${serviceCidr}`, 'pick an address in the service CIDR, or leave it out to get one'];
    else if (fixed === first || fixed === last) [problem, hint] = [`clusterIP ${fixed} is the ${fixed === first ? 'network' : 'broadcast'} address of ${networkOf(serviceCidr)}`, 'pick another address'];
    else if (owners.has(fixed)) [problem, hint] = [`clusterIP ${fixed} is already taken by ${owners.get(fixed)}`, 'pick another address, or leave it out to get one'];
    if (problem) {
      issues.push({ severity: 'error', path: at, message: problem, ...(hint ? { hint } : {}) });
      requests.push({ key: k, fixed: null, d });
      continue;
    }
    owners.set(fixed, k);
    requests.push({ key: k, fixed, d });
  }
  const allocated = allocateServiceIps(serviceCidr, requests, reserved);
  const out = new Map<DeclaredService, string | null>();
  for (const r of requests) {
    const ip = r.d.origin === 'lab' ? (allocated.get(r.key) ?? null) : (r.d.svc.clusterIP ?? null);
    if (ip === null) issues.push({ severity: 'error', path: r.d.path, message: `the service CIDR ${serviceCidr} has no free address left for ${r.key}`, hint: 'use a larger service CIDR' });
    out.set(r.d, ip);
  }
  return out;
}

const nodePortKey = (d: DeclaredService, j: number) => `${key(d.svc.namespace ?? 'default', d.svc.name)}#${j}`;

function allocatePorts(declared: readonly DeclaredService[], issues: KubeIssue[]): Map<string, number | null> {
  const requests: { key: string; fixed: number | null }[] = [];
  const owners = new Map<number, string>();
  for (const d of declared) {
    if ((d.svc.type ?? 'ClusterIP') !== 'NodePort') continue;
    const svcKey = key(d.svc.namespace ?? 'default', d.svc.name);
    d.svc.ports.forEach((p, j) => {
      const fixed = p.nodePort;
      const valid = fixed !== undefined && Number.isInteger(fixed) && fixed >= 30000 && fixed <= 32767;
      if (valid && owners.has(fixed) && owners.get(fixed) !== svcKey) {
        issues.push({ severity: 'error', path: [...d.path, 'ports', j, 'nodePort'], message: `nodePort ${fixed} is already taken by ${owners.get(fixed)}`, hint: 'pick another port, or leave it out to get one' });
        requests.push({ key: nodePortKey(d, j), fixed: null });
        return;
      }
      if (valid) owners.set(fixed, svcKey);
      requests.push({ key: nodePortKey(d, j), fixed: valid ? fixed : null });
    });
  }
  return allocateNodePorts(requests);
}

function resolveService(d: DeclaredService, pods: readonly ResolvedPod[], clusterIP: string | null, nodePorts: ReadonlyMap<string, number | null>, input: KubeClusterInput, issues: KubeIssue[]): ResolvedService {
  const { svc } = d;
  const namespace = svc.namespace ?? 'default';
  const type = svc.type ?? 'ClusterIP';
  const selector = svc.selector && Object.keys(svc.selector).length > 0 ? svc.selector : null;
  const selected = selector ? pods.filter((p) => p.namespace === namespace && p.ready && Object.entries(selector).every(([k, v]) => p.labels[k] === v)) : [];
  if (d.origin === 'lab' && selector && selected.length === 0) {
    issues.push({ severity: 'warning', path: [...d.path, 'selector'], message: `the selector of service ${key(namespace, svc.name)} picks no pod in namespace ${namespace}`, hint: 'it has no endpoints: kube-proxy rejects its connections' });
  }
  if (d.origin === 'lab' && !selector) {
    issues.push({ severity: 'warning', path: [...d.path, 'selector'], message: `service ${key(namespace, svc.name)} has no selector`, hint: 'without one it has no endpoints: kube-proxy rejects its connections' });
  }
  const ports: ResolvedServicePort[] = svc.ports.map((p, j) => {
    const targetPort = p.targetPort ?? p.port;
    const endpoints: ResolvedEndpoint[] =
      d.origin === 'kubernetes' && input.apiServer
        ? [{ ip: input.apiServer.ip, port: input.apiServer.port, node: input.apiServer.node, pod: null }]
        : selected.map((pod) => ({ ip: pod.ip, port: targetPort, node: pod.node, pod: key(pod.namespace, pod.name) }));
    endpoints.sort((a, b) => byString(`${a.ip}:${a.port}`, `${b.ip}:${b.port}`));
    if (d.origin === 'lab' && (p.protocol ?? 'TCP') === 'TCP') {
      for (const pod of selected) {
        if (pod.serve !== null && pod.serve !== targetPort) {
          issues.push({ severity: 'warning', path: [...d.path, 'ports', j, 'targetPort'], message: `pod ${key(pod.namespace, pod.name)} serves ${pod.serve}, but service ${key(namespace, svc.name)} sends to port ${targetPort}`, hint: `connections to it will be refused; set targetPort: ${pod.serve}` });
        }
      }
    }
    return { name: p.name ?? '', port: p.port, targetPort, protocol: p.protocol ?? 'TCP', nodePort: type === 'NodePort' ? (nodePorts.get(nodePortKey(d, j)) ?? null) : null, endpoints };
  });
  return {
    namespace,
    name: svc.name,
    type,
    clusterIP: type === 'headless' ? null : clusterIP,
    selector,
    ports,
    externalTrafficPolicy: svc.externalTrafficPolicy ?? 'Cluster',
    sessionAffinity: svc.sessionAffinity ?? 'None',
    sessionAffinityTimeoutSeconds: svc.sessionAffinityTimeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS,
    origin: d.origin,
  };
}
