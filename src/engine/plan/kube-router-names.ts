// The names kube-router v2.11.1 gives its NetworkPolicy chains, ipsets and
// positioned rules, so a lab's names equal a real node's for the same objects
// (docs/networking.md §9, "NetworkPolicy as kube-router enforces it"). Read from
// cloudnativelabs/kube-router: pkg/controllers/netpol/network_policy_controller.go
// (constants), policy.go (networkPolicyChainName, policy*IPSetName), pod.go
// (podFirewallChainName), npc_iptables.go (addUUIDForRuleSpec in
// ensureTopLevelChains), pkg/utils/ipset.go (buildIPSetRestore's TMP- sets).
//
// Every name is "<prefix>" + base32(sha256(…))[:16]. Pod-firewall and policy
// chains hash in the sync version — strconv.FormatInt(time.Now().UnixNano(), 10)
// in kube-router, so a real node renames them on every full sync. The lab keeps
// one fixed sync version per lab instead (syncVersionFor), so chain names stay
// the same across apply and inspect; ipset names never contain it.
import { createHash } from 'node:crypto';
import { sha1Base32, sha256Base32 } from '../util/base32';

export const KUBE_ROUTER_INPUT = 'KUBE-ROUTER-INPUT';
export const KUBE_ROUTER_FORWARD = 'KUBE-ROUTER-FORWARD';
export const KUBE_ROUTER_OUTPUT = 'KUBE-ROUTER-OUTPUT';
export const KUBE_NWPLCY_DEFAULT = 'KUBE-NWPLCY-DEFAULT';
export const KUBE_NWPLCY_COMMON = 'KUBE-NWPLCY-COMMON';
export const KUBE_NWPLCY_TAIL = 'KUBE-NWPLCY-TAIL';
export const POD_FW_PREFIX = 'KUBE-POD-FW-';
export const POLICY_PREFIX = 'KUBE-NWPLCY-';
export const SRC_SET_PREFIX = 'KUBE-SRC-';
export const DST_SET_PREFIX = 'KUBE-DST-';

/** Built-in chain → kube-router's top-level chain (defaultChains). */
export const TOP_LEVEL_CHAINS = [
  ['INPUT', KUBE_ROUTER_INPUT],
  ['FORWARD', KUBE_ROUTER_FORWARD],
  ['OUTPUT', KUBE_ROUTER_OUTPUT],
] as const;

/** The marks of pkg/controllers/netpol: 0x10000 "a policy rule matched", 0x20000 "the pod's policies passed". */
export const MARK_MATCHED = '0x10000/0x10000';
export const MARK_PASSED = '0x20000/0x20000';
/** The NFLOG group denied packets are logged to before the REJECT. */
export const NFLOG_GROUP = '100';

/** string(v1core.IPv4Protocol): the lab is IPv4 only. */
const IPV4 = 'IPv4';

const hash16 = (text: string): string => sha256Base32(text).slice(0, 16);

/** Is this a chain kube-router's netpol controller owns? */
export const isKubeRouterChain = (chain: string): boolean => chain.startsWith('KUBE-ROUTER-') || chain.startsWith(POD_FW_PREFIX) || chain.startsWith(POLICY_PREFIX);

/** Is this an ipset kube-router's netpol controller owns? */
export const isKubeRouterSet = (set: string): boolean => set.startsWith(SRC_SET_PREFIX) || set.startsWith(DST_SET_PREFIX) || set === 'kube-router-local-pods';

/**
 * The lab's stand-in for kube-router's per-sync UnixNano: a fixed decimal
 * string derived from the lab name (same lab, same chain names).
 */
export function syncVersionFor(lab: string): string {
  return BigInt(`0x${createHash('sha256').update(`podnet-lab sync ${lab}`).digest('hex').slice(0, 15)}`).toString(10);
}

/** podFirewallChainName(namespace, podName, version). */
export const podFirewallChain = (namespace: string, pod: string, version: string): string => POD_FW_PREFIX + hash16(namespace + pod + version);

/** networkPolicyChainName(namespace, policyName, version, ipFamily). */
export const policyChain = (namespace: string, policy: string, version: string): string => POLICY_PREFIX + hash16(namespace + policy + version + IPV4);

/** policySourcePodIPSetName: the policy's own pods, matched as source (egress). */
export const policySourceSet = (namespace: string, policy: string): string => SRC_SET_PREFIX + hash16(namespace + policy + IPV4);

/** policyDestinationPodIPSetName: the policy's own pods, matched as destination (ingress). */
export const policyDestinationSet = (namespace: string, policy: string): string => DST_SET_PREFIX + hash16(namespace + policy + IPV4);

/** policyIndexedSourcePodIPSetName: the peer pods of ingress rule `rule`. */
export const ingressPeerPodSet = (namespace: string, policy: string, rule: number): string => SRC_SET_PREFIX + hash16(`${namespace}${policy}ingressrule${rule}${IPV4}pod`);

/** policyIndexedDestinationPodIPSetName: the peer pods of egress rule `rule`. */
export const egressPeerPodSet = (namespace: string, policy: string, rule: number): string => DST_SET_PREFIX + hash16(`${namespace}${policy}egressrule${rule}${IPV4}pod`);

/** policyIndexedSourceIPBlockIPSetName: the ipBlocks of ingress rule `rule`. */
export const ingressPeerBlockSet = (namespace: string, policy: string, rule: number): string => SRC_SET_PREFIX + hash16(`${namespace}${policy}ingressrule${rule}${IPV4}ipblock`);

/** policyIndexedDestinationIPBlockIPSetName: the ipBlocks of egress rule `rule`. */
export const egressPeerBlockSet = (namespace: string, policy: string, rule: number): string => DST_SET_PREFIX + hash16(`${namespace}${policy}egressrule${rule}${IPV4}ipblock`);

/**
 * addUUIDForRuleSpec: the rule's comment gets " - " + base32(sha256(chain +
 * strings.Join(ruleSpec, "")))[:16]; the hash is of the spec before the suffix.
 */
export function withRuleUuid(chain: string, ruleSpec: readonly string[]): string[] {
  const uuid = hash16(chain + ruleSpec.join(''));
  const at = ruleSpec.indexOf('--comment');
  if (at < 0 || at + 1 >= ruleSpec.length) throw new Error(`rule spec has no comment: ${ruleSpec.join(' ')}`);
  return ruleSpec.map((part, i) => (i === at + 1 ? `${part} - ${uuid}` : part));
}

/** buildIPSetRestore's temporary set for one set of create options: "TMP-" + base32(sha1("tmp:" + options)[:10]). */
export const tmpSetName = (createOptions: string): string => `TMP-${sha1Base32(`tmp:${createOptions}`, 10)}`;
