// NetworkPolicy, resolved: the objects a cluster's API server would hold after
// defaulting (networking.k8s.io/v1), plus the namespaces and pods they select.
// Pure data and the selection rules of the API; what is allowed is in
// netpol-evaluate.ts, how kube-router enforces it in plan/kube-router-netpol.ts.
//
// Defaulting, as the API server does it (pkg/apis/networking/v1/defaults.go):
// - policyTypes empty → [Ingress], plus Egress when the policy has egress rules;
// - a port without protocol → TCP.
// Every namespace carries `kubernetes.io/metadata.name: <name>` (set by the
// API server since v1.21), so `namespaceSelector` can pick a namespace by name.
import { cidrProblem, contains, isIpv4 } from '../ipam/cidr';
import { EVERYTHING, selectorMatches, type LabelSelector, type Labels, type SelectorRequirement } from './label-selector';

export type PolicyType = 'Ingress' | 'Egress';
export type NetpolProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface NetpolPort {
  protocol: NetpolProtocol;
  /** null: every port of the protocol. */
  port: number | null;
  /** A range port..endPort (inclusive); null: the single port. */
  endPort: number | null;
}

export type NetpolPeer =
  /** podSelector alone: pods of the policy's own namespace. */
  | { kind: 'pods'; podSelector: LabelSelector }
  /** namespaceSelector, optionally with a podSelector: pods (all, or the selected) of the selected namespaces. */
  | { kind: 'namespaces'; namespaceSelector: LabelSelector; podSelector: LabelSelector | null }
  | { kind: 'ipBlock'; cidr: string; except: readonly string[] };

export interface NetpolRule {
  /** `from` (ingress) or `to` (egress); empty: every peer. */
  peers: readonly NetpolPeer[];
  /** Empty: every port and protocol. */
  ports: readonly NetpolPort[];
}

export interface NetworkPolicy {
  name: string;
  namespace: string;
  podSelector: LabelSelector;
  policyTypes: readonly PolicyType[];
  /** Empty: the selected pods accept no ingress at all (when Ingress is a policy type). */
  ingress: readonly NetpolRule[];
  egress: readonly NetpolRule[];
}

export interface KubeNamespace {
  name: string;
  labels: Labels;
}

export interface KubePod {
  name: string;
  namespace: string;
  labels: Labels;
  ip: string;
  /** The host (node) the pod runs on. */
  node: string;
}

export interface KubeCluster {
  /** Namespaces with labels; namespaces of pods and policies exist even when not listed. */
  namespaces: readonly KubeNamespace[];
  pods: readonly KubePod[];
  policies: readonly NetworkPolicy[];
}

export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

export const policyId = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;

/** The labels the API server shows for a namespace (declared ones plus kubernetes.io/metadata.name). */
export function namespaceLabels(cluster: KubeCluster, namespace: string): Labels {
  const declared = cluster.namespaces.find((n) => n.name === namespace)?.labels ?? {};
  return { ...declared, [METADATA_NAME_LABEL]: namespace };
}

export function hasPolicyType(policy: NetworkPolicy, type: PolicyType): boolean {
  return policy.policyTypes.includes(type);
}

/** The policy's podSelector picks the pod (same namespace only). */
export function policySelects(policy: NetworkPolicy, pod: KubePod): boolean {
  return pod.namespace === policy.namespace && selectorMatches(policy.podSelector, pod.labels);
}

/** Policies that select `pod` and name `type`: the pod is isolated in that direction iff there is one. */
export function isolatingPolicies(cluster: KubeCluster, pod: KubePod, type: PolicyType): NetworkPolicy[] {
  return cluster.policies.filter((p) => hasPolicyType(p, type) && policySelects(p, pod));
}

/** The pods a pod or namespace peer stands for (ipBlock peers stand for addresses, not pods). */
export function peerPods(cluster: KubeCluster, policy: NetworkPolicy, peer: NetpolPeer): KubePod[] {
  if (peer.kind === 'ipBlock') return [];
  if (peer.kind === 'pods') return cluster.pods.filter((p) => p.namespace === policy.namespace && selectorMatches(peer.podSelector, p.labels));
  return cluster.pods.filter(
    (p) => selectorMatches(peer.namespaceSelector, namespaceLabels(cluster, p.namespace)) && selectorMatches(peer.podSelector ?? EVERYTHING, p.labels),
  );
}

/** An ipBlock matches an address inside its CIDR and outside every `except`. */
export function ipBlockMatches(peer: { cidr: string; except: readonly string[] }, ip: string): boolean {
  return contains(peer.cidr, ip) && !peer.except.some((e) => contains(e, ip));
}

// ---------------------------------------------------------------------------
// From the lab file's shape (the YAML of the issue) to the resolved model.

// The input is what a YAML parser gives (unknown until checked), shaped like
// the example:
//   { name, namespace?, podSelector: { app: web } | { matchLabels, matchExpressions },
//     policyTypes?: [Ingress, Egress],
//     ingress?: [{ from?: [peer…], ports?: [{ protocol?, port?, endPort? }] }],
//     egress?:  [{ to?: [peer…], ports?: […] }] }
//   peer: { podSelector } | { namespaceSelector } | { namespaceSelector, podSelector }
//         | { ipBlock: { cidr, except? } }

/** A field of the input (`ingress[0].from[1].ipBlock.cidr`) and what is wrong with it. */
export interface PolicyProblem {
  path: string;
  message: string;
}

export class NetworkPolicyError extends Error {
  constructor(readonly problems: readonly PolicyProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'NetworkPolicyError';
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const PROTOCOLS: readonly string[] = ['TCP', 'UDP', 'SCTP'];

/** Records a problem and gives back the value to continue with. */
function problem<T>(out: PolicyProblem[], path: string, message: string, value: T): T {
  out.push({ path, message });
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A qualified label key: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
function labelKeyProblem(key: string): string | null {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [null, key];
  if (prefix !== null && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `label key "${key}": the prefix must be a DNS subdomain`;
  if (name.length > 63 || !LABEL_NAME.test(name)) return `label key "${key}" is not valid (letters, digits, -, _ and ., at most 63, starting and ending alphanumeric)`;
  return null;
}

function labelValueProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `label values are strings: quote ${JSON.stringify(value)}`;
  if (value.length > 63 || !LABEL_VALUE.test(value)) return `label value "${value}" is not valid (at most 63 letters, digits, -, _ and ., starting and ending alphanumeric)`;
  return null;
}

/** Checks labels the way the API server does (used for namespaces' and pods' labels too). */
export function labelsProblems(labels: unknown, path: string): PolicyProblem[] {
  if (!isObject(labels)) return [{ path, message: 'labels are a map of key: value' }];
  const out: PolicyProblem[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const message = labelKeyProblem(k) ?? labelValueProblem(v);
    if (message) out.push({ path: `${path}.${k}`, message });
  }
  return out;
}

function selectorOf(input: unknown, path: string, out: PolicyProblem[]): LabelSelector {
  if (input === undefined) return EVERYTHING;
  if (!isObject(input)) {
    out.push({ path, message: 'a selector is a map of labels ({ app: web }) or { matchLabels, matchExpressions }' });
    return EVERYTHING;
  }
  const keys = Object.keys(input);
  const full = keys.length > 0 && keys.every((k) => k === 'matchLabels' || k === 'matchExpressions');
  const matchLabels = full ? (input.matchLabels ?? {}) : input;
  out.push(...labelsProblems(matchLabels, full ? `${path}.matchLabels` : path));
  const expressions: SelectorRequirement[] = [];
  const rawExpressions = full ? (input.matchExpressions ?? []) : [];
  if (!Array.isArray(rawExpressions)) out.push({ path: `${path}.matchExpressions`, message: 'a list of { key, operator, values }' });
  else
    rawExpressions.forEach((e: unknown, i) => {
      const at = `${path}.matchExpressions[${i}]`;
      if (!isObject(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') return problem(out, at, 'needs key and operator', undefined);
      const keyProblem = labelKeyProblem(e.key);
      if (keyProblem) out.push({ path: `${at}.key`, message: keyProblem });
      if (!OPERATORS.includes(e.operator)) return problem(out, `${at}.operator`, `"${e.operator}" is not one of ${OPERATORS.join(', ')}`, undefined);
      const values = e.values ?? [];
      if (!Array.isArray(values) || values.some((v) => labelValueProblem(v) !== null)) return problem(out, `${at}.values`, 'a list of label values', undefined);
      const needsValues = e.operator === 'In' || e.operator === 'NotIn';
      if (needsValues !== values.length > 0) return problem(out, `${at}.values`, needsValues ? `${e.operator} needs at least one value` : `${e.operator} takes no values`, undefined);
      expressions.push({ key: e.key, operator: e.operator as SelectorRequirement['operator'], values: values as string[] });
    });
  return { matchLabels: isObject(matchLabels) ? (Object.fromEntries(Object.entries(matchLabels).filter(([, v]) => typeof v === 'string')) as Labels) : {}, matchExpressions: expressions };
}

function peerOf(input: unknown, path: string, out: PolicyProblem[]): NetpolPeer | null {
  if (!isObject(input)) return problem(out, path, 'a peer is { podSelector }, { namespaceSelector }, both, or { ipBlock }', null);
  const unknown = Object.keys(input).filter((k) => !['podSelector', 'namespaceSelector', 'ipBlock'].includes(k));
  if (unknown.length) out.push({ path: `${path}.${unknown[0]}`, message: 'unknown peer field (podSelector, namespaceSelector, ipBlock)' });
  if (input.ipBlock !== undefined) {
    if (input.podSelector !== undefined || input.namespaceSelector !== undefined) {
      out.push({ path, message: 'ipBlock cannot be combined with podSelector or namespaceSelector: write a second peer' });
      return null;
    }
    const block = input.ipBlock;
    const cidr = isObject(block) ? block.cidr : undefined;
    const cidrMessage = typeof cidr !== 'string' ? 'ipBlock needs a cidr' : cidrProblem(cidr)?.message;
    if (cidrMessage) return problem(out, `${path}.ipBlock.cidr`, cidrMessage, null);
    const except = isObject(block) ? (block.except ?? []) : [];
    if (!Array.isArray(except)) return problem(out, `${path}.ipBlock.except`, 'a list of CIDRs', null);
    except.forEach((e: unknown, i) => {
      const at = `${path}.ipBlock.except[${i}]`;
      const m = typeof e !== 'string' ? 'a CIDR' : cidrProblem(e)?.message;
      if (m) out.push({ path: at, message: m });
      else if (!contains(cidr as string, e as string) || e === cidr) out.push({ path: at, message: `${String(e)} must lie strictly inside ${String(cidr)}` });
    });
    return { kind: 'ipBlock', cidr: cidr as string, except: except.filter((e): e is string => typeof e === 'string') };
  }
  if (input.namespaceSelector !== undefined) {
    return {
      kind: 'namespaces',
      namespaceSelector: selectorOf(input.namespaceSelector, `${path}.namespaceSelector`, out),
      podSelector: input.podSelector === undefined ? null : selectorOf(input.podSelector, `${path}.podSelector`, out),
    };
  }
  if (input.podSelector !== undefined) return { kind: 'pods', podSelector: selectorOf(input.podSelector, `${path}.podSelector`, out) };
  out.push({ path, message: 'a peer needs podSelector, namespaceSelector or ipBlock' });
  return null;
}

function portOf(input: unknown, path: string, out: PolicyProblem[]): NetpolPort | null {
  if (!isObject(input)) return problem(out, path, 'a port is { protocol, port, endPort }', null);
  const protocol = input.protocol ?? 'TCP';
  if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol)) return problem(out, `${path}.protocol`, 'TCP, UDP or SCTP', null);
  const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
  if (input.port !== undefined && !isPort(input.port)) {
    const named = typeof input.port === 'string';
    return problem(out, `${path}.port`, named ? 'named ports are not supported in the lab: give the number' : 'a port number from 1 to 65535', null);
  }
  if (input.endPort !== undefined) {
    if (input.port === undefined) return problem(out, `${path}.endPort`, 'endPort needs port', null);
    if (!isPort(input.endPort) || input.endPort < (input.port as number)) return problem(out, `${path}.endPort`, `a port number from ${String(input.port)} to 65535`, null);
  }
  return { protocol: protocol as NetpolProtocol, port: (input.port as number | undefined) ?? null, endPort: (input.endPort as number | undefined) ?? null };
}

function rulesOf(input: unknown, field: 'ingress' | 'egress', out: PolicyProblem[]): NetpolRule[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) return problem(out, field, 'a list of rules', []);
  const peersField = field === 'ingress' ? 'from' : 'to';
  return input.map((rule, i) => {
    const path = `${field}[${i}]`;
    if (!isObject(rule)) return problem(out, path, `a rule is { ${peersField}, ports }`, { peers: [], ports: [] });
    const other = Object.keys(rule).find((k) => k !== peersField && k !== 'ports');
    if (other) out.push({ path: `${path}.${other}`, message: `unknown field: ${field} rules have ${peersField} and ports` });
    const rawPeers = rule[peersField] ?? [];
    const rawPorts = rule.ports ?? [];
    if (!Array.isArray(rawPeers)) out.push({ path: `${path}.${peersField}`, message: 'a list of peers' });
    if (!Array.isArray(rawPorts)) out.push({ path: `${path}.ports`, message: 'a list of ports' });
    const peers = Array.isArray(rawPeers) ? rawPeers.map((p, j) => peerOf(p, `${path}.${peersField}[${j}]`, out)).filter((p): p is NetpolPeer => p !== null) : [];
    const ports = Array.isArray(rawPorts) ? rawPorts.map((p, j) => portOf(p, `${path}.ports[${j}]`, out)).filter((p): p is NetpolPort => p !== null) : [];
    return { peers, ports };
  });
}

/** The policy as the API server stores it after validation and defaulting — or every problem found. */
export function checkPolicy(input: unknown): { policy: NetworkPolicy | null; problems: PolicyProblem[] } {
  const out: PolicyProblem[] = [];
  if (!isObject(input)) return { policy: null, problems: [{ path: '', message: 'a policy is a map with name, podSelector, …' }] };
  const known = ['name', 'namespace', 'podSelector', 'policyTypes', 'ingress', 'egress'];
  for (const k of Object.keys(input)) if (!known.includes(k)) out.push({ path: k, message: `unknown field (${known.join(', ')})` });
  const name = input.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) out.push({ path: 'name', message: 'a name of lowercase letters, digits, - and . (at most 253)' });
  const namespace = input.namespace ?? 'default';
  if (typeof namespace !== 'string' || namespace.length > 63 || !DNS_LABEL.test(namespace)) out.push({ path: 'namespace', message: 'a namespace name of lowercase letters, digits and - (at most 63)' });
  const podSelector = selectorOf(input.podSelector ?? {}, 'podSelector', out);
  const ingress = rulesOf(input.ingress, 'ingress', out);
  const egress = rulesOf(input.egress, 'egress', out);
  let policyTypes: PolicyType[];
  if (input.policyTypes === undefined || (Array.isArray(input.policyTypes) && input.policyTypes.length === 0)) {
    policyTypes = egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  } else if (!Array.isArray(input.policyTypes) || input.policyTypes.some((t) => t !== 'Ingress' && t !== 'Egress')) {
    out.push({ path: 'policyTypes', message: 'a list of Ingress and/or Egress' });
    policyTypes = ['Ingress'];
  } else {
    policyTypes = [...new Set(input.policyTypes as PolicyType[])];
  }
  if (out.length) return { policy: null, problems: out };
  return { policy: { name: name as string, namespace: namespace as string, podSelector, policyTypes, ingress, egress }, problems: [] };
}

export function resolvePolicy(input: unknown): NetworkPolicy {
  const { policy, problems } = checkPolicy(input);
  if (!policy) throw new NetworkPolicyError(problems);
  return policy;
}

/** Pods of a cluster must have distinct IPv4 addresses and namespace/name pairs for policies to mean anything. */
export function clusterProblems(cluster: KubeCluster): string[] {
  const out: string[] = [];
  const ips = new Map<string, string>();
  const ids = new Set<string>();
  for (const p of cluster.pods) {
    const id = `${p.namespace}/${p.name}`;
    if (!isIpv4(p.ip)) out.push(`pod ${id}: "${p.ip}" is not an IPv4 address`);
    if (ids.has(id)) out.push(`pod ${id} is listed twice`);
    const other = ips.get(p.ip);
    if (other) out.push(`pods ${other} and ${id} share the address ${p.ip}`);
    ids.add(id);
    ips.set(p.ip, id);
  }
  const policies = new Set<string>();
  for (const p of cluster.policies) {
    if (policies.has(policyId(p))) out.push(`policy ${policyId(p)} is listed twice`);
    policies.add(policyId(p));
  }
  return out;
}
