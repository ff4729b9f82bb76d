// Is a connection allowed? Kubernetes NetworkPolicy semantics (networking.k8s.io/v1,
// the API reference and concepts/services-networking/network-policies):
// - a pod is isolated for ingress (egress) iff some policy selects it and lists
//   Ingress (Egress) in policyTypes; a pod no policy isolates allows everything;
// - when isolated, what is allowed is the union of every isolating policy's
//   rules; a connection needs the source's egress AND the destination's ingress;
// - a rule with no peers matches every peer, a rule with no ports every port,
//   and a policy type with an empty rule list allows nothing;
// - the pod's own node may always connect to it (kubelet probes);
// - replies of an allowed connection always pass (policies judge connections).
// NetworkPolicy only speaks of TCP, UDP and SCTP; for ICMP a rule without ports
// matches and a rule with ports does not. kube-router (the lab's enforcer)
// additionally accepts ICMP echo-request, destination-unreachable and
// time-exceeded for every pod (KUBE-NWPLCY-COMMON): `enforcer: 'kube-router'`
// makes the verdict say so, for `ping`.
import {
  ipBlockMatches,
  isolatingPolicies,
  peerPods,
  policyId,
  type KubeCluster,
  type KubePod,
  type NetpolPeer,
  type NetpolPort,
  type NetpolRule,
  type NetworkPolicy,
  type PolicyType,
} from './network-policy';

export type Endpoint =
  | { kind: 'pod'; pod: KubePod }
  /** A node's own address (host network): the pod's node may always reach it. */
  | { kind: 'node'; node: string; ip: string }
  /** Any other address (the lab internet, another network). */
  | { kind: 'external'; ip: string };

export type TrafficProtocol = 'TCP' | 'UDP' | 'SCTP' | 'ICMP';

export interface RuleRef {
  /** `namespace/name` of the policy. */
  policy: string;
  direction: 'ingress' | 'egress';
  /** Index of the rule in the policy's ingress/egress list. */
  rule: number;
}

export interface DirectionVerdict {
  /** The policies that isolate the pod in this direction (`namespace/name`); empty: not isolated. */
  isolatedBy: string[];
  allowed: boolean;
  /** The first rule (in policy, then rule order) that allows the connection. */
  allowedBy: RuleRef | null;
  /** Allowed without a rule: not isolated, from the pod's own node, or kube-router's ICMP. */
  exemption: 'not-isolated' | 'own-node' | 'kube-router-icmp' | null;
}

export interface Verdict {
  allowed: boolean;
  /** The source pod's egress; null when the source is not a pod. */
  egress: DirectionVerdict | null;
  /** The destination pod's ingress; null when the destination is not a pod. */
  ingress: DirectionVerdict | null;
  /** One sentence for a learner. */
  reason: string;
}

export interface EvaluateOptions {
  /** 'kubernetes' (default): the API's semantics only. 'kube-router': also what kube-router accepts for every pod (ICMP). */
  enforcer?: 'kubernetes' | 'kube-router';
}

/** The ICMP types kube-router's KUBE-NWPLCY-COMMON accepts (utils.CommonICMPRules, IPv4). */
export const KUBE_ROUTER_ICMP_TYPES = ['echo-request', 'destination-unreachable', 'time-exceeded'] as const;

const ipOf = (e: Endpoint): string => (e.kind === 'pod' ? e.pod.ip : e.ip);

function describeEndpoint(e: Endpoint): string {
  if (e.kind === 'pod') return `${e.pod.namespace}/${e.pod.name}`;
  return e.kind === 'node' ? `node ${e.node} (${e.ip})` : e.ip;
}

/** The pod with this address, if any: a pod endpoint, else an external one. */
export function endpointFor(cluster: KubeCluster, ip: string): Endpoint {
  const pod = cluster.pods.find((p) => p.ip === ip);
  return pod ? { kind: 'pod', pod } : { kind: 'external', ip };
}

function peerMatches(cluster: KubeCluster, policy: NetworkPolicy, peer: NetpolPeer, other: Endpoint): boolean {
  if (peer.kind === 'ipBlock') return ipBlockMatches(peer, ipOf(other));
  return other.kind === 'pod' && peerPods(cluster, policy, peer).some((p) => p.namespace === other.pod.namespace && p.name === other.pod.name);
}

function portMatches(p: NetpolPort, protocol: TrafficProtocol, port: number | null): boolean {
  if (p.protocol !== protocol) return false;
  if (p.port === null) return true;
  if (port === null) return false;
  return p.endPort === null ? port === p.port : port >= p.port && port <= p.endPort;
}

/** Does one rule allow traffic from/to `other` on protocol/port? */
export function ruleMatches(cluster: KubeCluster, policy: NetworkPolicy, rule: NetpolRule, other: Endpoint, protocol: TrafficProtocol, port: number | null): boolean {
  const peerOk = rule.peers.length === 0 || rule.peers.some((peer) => peerMatches(cluster, policy, peer, other));
  const portOk = rule.ports.length === 0 || rule.ports.some((p) => portMatches(p, protocol, port));
  return peerOk && portOk;
}

function judge(cluster: KubeCluster, pod: KubePod, type: PolicyType, other: Endpoint, protocol: TrafficProtocol, port: number | null, opts: EvaluateOptions): DirectionVerdict {
  const policies = isolatingPolicies(cluster, pod, type);
  const isolatedBy = policies.map(policyId);
  const verdict = (allowed: boolean, allowedBy: RuleRef | null, exemption: DirectionVerdict['exemption']): DirectionVerdict => ({ isolatedBy, allowed, allowedBy, exemption });
  if (policies.length === 0) return verdict(true, null, 'not-isolated');
  if (type === 'Ingress' && other.kind === 'node' && other.node === pod.node) return verdict(true, null, 'own-node');
  const direction = type === 'Ingress' ? 'ingress' : 'egress';
  for (const policy of policies) {
    const rules = type === 'Ingress' ? policy.ingress : policy.egress;
    const index = rules.findIndex((r) => ruleMatches(cluster, policy, r, other, protocol, port));
    if (index >= 0) return verdict(true, { policy: policyId(policy), direction, rule: index }, null);
  }
  if (protocol === 'ICMP' && opts.enforcer === 'kube-router') return verdict(true, null, 'kube-router-icmp');
  return verdict(false, null, null);
}

function sentence(src: Endpoint, dst: Endpoint, egress: DirectionVerdict | null, ingress: DirectionVerdict | null, what: string): string {
  const from = describeEndpoint(src);
  const to = describeEndpoint(dst);
  const isolation = (v: DirectionVerdict) => `${v.isolatedBy.join(', ')} isolate${v.isolatedBy.length === 1 ? 's' : ''}`;
  if (egress && !egress.allowed) return `${what} from ${from} to ${to} is denied: ${isolation(egress)} ${from} for egress and no egress rule allows it`;
  if (ingress && !ingress.allowed) return `${what} from ${from} to ${to} is denied: ${isolation(ingress)} ${to} for ingress and no ingress rule allows it`;
  const why = (v: DirectionVerdict | null, side: string): string | null => {
    if (!v || v.exemption === 'not-isolated') return null;
    if (v.allowedBy) return `${side} by ${v.allowedBy.policy} ${v.allowedBy.direction}[${v.allowedBy.rule}]`;
    if (v.exemption === 'own-node') return `${side} because it comes from the pod's own node`;
    return `${side} because kube-router accepts ICMP ${KUBE_ROUTER_ICMP_TYPES.join('/')} for every pod`;
  };
  const reasons = [why(egress, 'egress allowed'), why(ingress, 'ingress allowed')].filter((r): r is string => r !== null);
  return `${what} from ${from} to ${to} is allowed${reasons.length ? `: ${reasons.join('; ')}` : ': no policy isolates either end'}`;
}

/**
 * The verdict for a new connection from `src` to `dst` (replies of an allowed
 * connection pass without a verdict of their own). `port` is null for ICMP.
 */
export function evaluate(cluster: KubeCluster, src: Endpoint, dst: Endpoint, protocol: TrafficProtocol, port: number | null, opts: EvaluateOptions = {}): Verdict {
  const egress = src.kind === 'pod' ? judge(cluster, src.pod, 'Egress', dst, protocol, port, opts) : null;
  const ingress = dst.kind === 'pod' ? judge(cluster, dst.pod, 'Ingress', src, protocol, port, opts) : null;
  const allowed = (egress?.allowed ?? true) && (ingress?.allowed ?? true);
  const what = protocol === 'ICMP' ? 'ICMP' : `${protocol} port ${port ?? 'any'}`;
  return { allowed, egress, ingress, reason: sentence(src, dst, egress, ingress, what) };
}

/** evaluate() by addresses: pods are recognized by their IP, anything else is external. */
export function allowed(cluster: KubeCluster, srcIp: string, dstIp: string, protocol: TrafficProtocol, port: number | null, opts: EvaluateOptions = {}): Verdict {
  return evaluate(cluster, endpointFor(cluster, srcIp), endpointFor(cluster, dstIp), protocol, port, opts);
}

/** Which directions each pod is isolated in, and by which policies (for the topology's markers). */
export function isolationOf(cluster: KubeCluster, pod: KubePod): { ingress: string[]; egress: string[] } {
  return { ingress: isolatingPolicies(cluster, pod, 'Ingress').map(policyId), egress: isolatingPolicies(cluster, pod, 'Egress').map(policyId) };
}
