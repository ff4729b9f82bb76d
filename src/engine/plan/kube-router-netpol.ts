// NetworkPolicy enforced on one node the way kube-router v2.11.1 does it with
// plain iptables and ipsets (docs/networking.md §9, "NetworkPolicy as
// kube-router enforces it"): the filter-table state a full sync leaves on a fresh node, as an
// `iptables-restore --noflush` input, and the ipsets it references, as the
// `ipset restore -exist` input kube-router feeds ipset.
//
// Read from cloudnativelabs/kube-router (pkg/controllers/netpol):
// - npc_iptables.go: ensureTopLevelChains (the jumps at position 1 with the
//   "kube-router netpol - <uuid>" comment; KUBE-ROUTER-INPUT's RETURNs for the
//   service CIDR and the NodePort range, tcp/udp/sctp), ensureCommonPolicyChain,
//   ensureDefaultNetworkPolicyChain, ensureDefaultTailChain/populateDefaultTailChain
//   (KUBE-NWPLCY-TAIL: ACCEPT on 0x20000; its REJECTs only with
//   --netpol-default-deny, off by default and off here), ensureTailChainPosition
//   and ensureExplicitAccept (every top-level chain ends with the TAIL jump, then
//   the ACCEPT on 0x20000), the frozen comments of those rules;
// - policy.go: syncNetworkPolicyChains, processIngressRules, processEgressRules,
//   appendRuleToPolicyChain (a MARK 0x10000 and a RETURN per match), evalPodPeer,
//   evalIPBlockPeer (hash:net sets, `nomatch` for except, /0 split in halves);
// - pod.go: syncPodFirewallChains (a KUBE-POD-FW chain for EVERY local pod,
//   steering by pod IP, the physdev --physdev-is-bridged copies for traffic
//   switched on the node's bridge), the REJECT/NFLOG group 100 tail;
// - comments.go: "<namespace>/<name> <kind>" comments (in, out, policy,
//   log-drop, reject, ingress pods/any/cidr, egress pods/any/cidr);
// - pkg/utils/ipset.go: buildIPSetRestore (TMP- set, swap, flush, destroy).
// Not every v2.11.1 file could be read: the stored copies of the iptables
// pod.go and policy.go were older (pod.go at ac3d5df9, v1.x; policy.go at
// 03d5b6ee, the first iptables/nftables split), while npc_iptables.go (with
// KUBE-NWPLCY-TAIL), comments.go (6e9e5e3a) and npc_nftables.go are the
// release's. So (1) the pod and policy rules' comments are those comments.go
// defines and npc_nftables.go writes; (2) the pod chain follows npc_nftables.go's
// seven numbered steps, which it says mirror the iptables chain: COMMON, from
// local node, the policy jumps, the default egress then ingress jump, NFLOG +
// REJECT of unmarked packets, clear 0x10000, set 0x20000; (3) the jumps into a
// pod chain have the older pod.go's matches (routed, OUTPUT and physdev copies).
// Matches, targets, marks, chain and set names and the order of every other
// chain are the iptables code's own.
//
// Deliberate differences from a live kube-router, so the lab is reproducible:
// one fixed sync version per lab (kube-router-names.ts), pods and policies in a
// fixed order (kube-router walks Go maps), and the ipsets' create options of a
// first sync ("hash:ip timeout 0"; after a restart kube-router reuses what
// `ipset save` prints).
import { hasPolicyType, peerPods, policySelects, type KubeCluster, type KubePod, type NetpolPort, type NetpolRule, type NetworkPolicy } from '../kube/network-policy';
import { toInt } from '../ipam/cidr';
import { toIptablesRestore } from './iptables-restore';
import {
  egressPeerBlockSet,
  egressPeerPodSet,
  ingressPeerBlockSet,
  ingressPeerPodSet,
  KUBE_NWPLCY_COMMON,
  KUBE_NWPLCY_DEFAULT,
  KUBE_NWPLCY_TAIL,
  KUBE_ROUTER_FORWARD,
  KUBE_ROUTER_INPUT,
  KUBE_ROUTER_OUTPUT,
  MARK_MATCHED,
  MARK_PASSED,
  NFLOG_GROUP,
  podFirewallChain,
  policyChain,
  policyDestinationSet,
  policySourceSet,
  tmpSetName,
  TOP_LEVEL_CHAINS,
  withRuleUuid,
} from './kube-router-names';
import { ipsetRestoreFileSteps, iptablesRestoreFileSteps } from './rule-file-steps';
import type { Step } from './step';

export interface KubeRouterOptions {
  /** Stands in for kube-router's per-sync UnixNano (syncVersionFor(lab)). */
  syncVersion: string;
  /** --service-cluster-ip-range (kube-router's default 10.96.0.0/12). */
  serviceClusterIpRange?: string;
  /** --service-node-port-range, as validateNodePortRange returns it (default 30000:32767). */
  nodePortRange?: string;
}

export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/12';
export const DEFAULT_NODE_PORT_RANGE = '30000:32767';

export interface IpsetSpec {
  name: string;
  type: 'hash:ip' | 'hash:net';
  /** Entries with their options, as kube-router adds them: `10.244.1.2 timeout 0`, `203.0.113.128/25 timeout 0 nomatch`. */
  entries: string[];
}

/** Everything kube-router's netpol controller puts on one node. Rules are argv after `iptables -t filter`. */
export interface KubeRouterNodeRules {
  node: string;
  /** The built-in chains' jumps, inserted at position 1 when kube-router starts. */
  jumps: string[][];
  /** Every chain kube-router owns on the node. */
  chains: string[];
  /** `-A <chain> …` in order. */
  rules: string[][];
  /** Every ipset the rules reference, sorted by name (the same on every node). */
  ipsets: IpsetSpec[];
}

const comment = (text: string): string[] => ['-m', 'comment', '--comment', text];
/** idComment: "<namespace>/<name> <kind>" (comments.go; nothing of the lab's names needs its 120-char clamp). */
const idComment = (namespace: string, name: string, kind: string): string[] => comment(`${namespace}/${name} ${kind}`);

const byIp = (a: string, b: string): number => toInt(a) - toInt(b);
const podOrder = (a: KubePod, b: KubePod): number => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

/** ensureTopLevelChains: the jumps from INPUT/FORWARD/OUTPUT and KUBE-ROUTER-INPUT's RETURNs, with their rule UUIDs. */
function topLevelRules(opts: KubeRouterOptions): { jumps: string[][]; rules: string[][] } {
  const jumps = TOP_LEVEL_CHAINS.map(([builtin, custom]) => ['-I', builtin, '1', ...withRuleUuid(builtin, [...comment('kube-router netpol'), '-j', custom])]);
  const serviceRange = opts.serviceClusterIpRange ?? DEFAULT_SERVICE_CLUSTER_IP_RANGE;
  const nodePorts = opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
  const input = [
    [...comment('allow traffic to primary/secondary cluster IP range'), '-d', serviceRange, '-j', 'RETURN'],
    ...(['tcp', 'udp', 'sctp'] as const).map((p) => ['-p', p, ...comment(`allow LOCAL ${p.toUpperCase()} traffic to node ports`), '-m', 'addrtype', '--dst-type', 'LOCAL', '-m', 'multiport', '--dports', nodePorts, '-j', 'RETURN']),
  ];
  return { jumps, rules: input.map((spec) => ['-A', KUBE_ROUTER_INPUT, ...withRuleUuid(KUBE_ROUTER_INPUT, spec)]) };
}

/** ensureCommonPolicyChain (with utils.CommonICMPRules for IPv4), ensureDefaultNetworkPolicyChain, populateDefaultTailChain. */
function fixedChainRules(): string[][] {
  const icmp: [string, string][] = [
    ['echo-request', 'allow icmp echo requests'],
    ['destination-unreachable', 'allow icmp destination unreachable messages'],
    ['time-exceeded', 'allow icmp time exceeded messages'],
  ];
  return [
    ['-A', KUBE_NWPLCY_COMMON, ...comment('rule to drop invalid state for pod'), '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP'],
    ['-A', KUBE_NWPLCY_COMMON, ...comment('rule for stateful firewall for pod'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
    ...icmp.map(([type, text]) => ['-A', KUBE_NWPLCY_COMMON, ...comment(text), '-p', 'icmp', '--icmp-type', type, '-j', 'ACCEPT']),
    ['-A', KUBE_NWPLCY_DEFAULT, '-j', 'MARK', ...comment('rule to mark traffic matching a network policy'), '--set-xmark', MARK_MATCHED],
    ['-A', KUBE_NWPLCY_TAIL, ...comment('accept netpol-ok'), '-m', 'mark', '--mark', MARK_PASSED, '-j', 'ACCEPT'],
  ];
}

/** Builds ipsets the way RefreshSet + createGenericHashIPSet do: one set per name, entries with `timeout 0`. */
class IpsetBook {
  private readonly sets = new Map<string, IpsetSpec>();

  hashIp(name: string, ips: readonly string[]): string {
    const entries = [...new Set(ips)].sort(byIp).map((ip) => `${ip} timeout 0`);
    this.sets.set(name, { name, type: 'hash:ip', entries });
    return name;
  }

  hashNet(name: string, entries: readonly string[]): string {
    this.sets.set(name, { name, type: 'hash:net', entries: [...new Set(entries)] });
    return name;
  }

  all(): IpsetSpec[] {
    return [...this.sets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** evalIPBlockPeer: the CIDR (a /0 as two /1 halves, which hash:net can hold), then every except with nomatch. */
function ipBlockEntries(rule: NetpolRule): string[] {
  const halves = (cidr: string) => (cidr.endsWith('/0') ? ['0.0.0.0/1', '128.0.0.0/1'] : [cidr]);
  return rule.peers.flatMap((peer) =>
    peer.kind === 'ipBlock' ? [...halves(peer.cidr).map((c) => `${c} timeout 0`), ...peer.except.flatMap(halves).map((e) => `${e} timeout 0 nomatch`)] : [],
  );
}

/** The peer pods of a rule: every pod or namespace peer, on every node. */
function rulePeerIps(cluster: KubeCluster, policy: NetworkPolicy, rule: NetpolRule): string[] {
  return rule.peers.flatMap((peer) => peerPods(cluster, policy, peer).map((p) => p.ip));
}

/** appendRuleToPolicyChain: a MARK 0x10000 and a RETURN on the same matches. */
function markAndReturn(chain: string, text: string[], src: string | null, dst: string | null, port: NetpolPort | null): string[][] {
  const matches = [
    ...text,
    ...(src ? ['-m', 'set', '--match-set', src, 'src'] : []),
    ...(dst ? ['-m', 'set', '--match-set', dst, 'dst'] : []),
    ...(port ? ['-p', port.protocol] : []),
    ...(port?.port != null ? ['--dport', port.endPort != null ? `${port.port}:${port.endPort}` : String(port.port)] : []),
  ];
  return [
    ['-A', chain, ...matches, '-j', 'MARK', '--set-xmark', MARK_MATCHED],
    ['-A', chain, ...matches, '-m', 'mark', '--mark', MARK_MATCHED, '-j', 'RETURN'],
  ];
}

/** processIngressRules / processEgressRules for one direction of one policy. */
function directionRules(cluster: KubeCluster, policy: NetworkPolicy, chain: string, direction: 'ingress' | 'egress', sets: IpsetBook): string[][] {
  const { namespace, name } = policy;
  const ingress = direction === 'ingress';
  const own = ingress ? policyDestinationSet(namespace, name) : policySourceSet(namespace, name);
  const kind = (what: 'pods' | 'any' | 'cidr') => idComment(namespace, name, `${direction} ${what}`);
  // The policy's own pods sit on the destination side for ingress, on the source side for egress.
  const pair = (peer: string | null): [string | null, string | null] => (ingress ? [peer, own] : [own, peer]);
  const rules = ingress ? policy.ingress : policy.egress;
  const out: string[][] = [];
  rules.forEach((rule, i) => {
    const ports = rule.ports.length ? rule.ports : [null];
    const peerIps = rulePeerIps(cluster, policy, rule);
    if (peerIps.length) {
      const set = sets.hashIp(ingress ? ingressPeerPodSet(namespace, name, i) : egressPeerPodSet(namespace, name, i), peerIps);
      for (const port of ports) out.push(...markAndReturn(chain, kind('pods'), ...pair(set), port));
    }
    if (rule.peers.length === 0) for (const port of ports) out.push(...markAndReturn(chain, kind('any'), ...pair(null), port));
    const blocks = ipBlockEntries(rule);
    if (blocks.length) {
      const set = sets.hashNet(ingress ? ingressPeerBlockSet(namespace, name, i) : egressPeerBlockSet(namespace, name, i), blocks);
      for (const port of ports) out.push(...markAndReturn(chain, kind('cidr'), ...pair(set), port));
    }
  });
  return out;
}

/** syncNetworkPolicyChains: every policy of the cluster gets its chain and sets on every node. */
function policyChains(cluster: KubeCluster, version: string, sets: IpsetBook): { chains: string[]; rules: string[][] } {
  const chains: string[] = [];
  const rules: string[][] = [];
  for (const policy of cluster.policies) {
    const chain = policyChain(policy.namespace, policy.name, version);
    chains.push(chain);
    const targets = cluster.pods.filter((p) => policySelects(policy, p)).map((p) => p.ip);
    if (hasPolicyType(policy, 'Ingress')) {
      sets.hashIp(policyDestinationSet(policy.namespace, policy.name), targets);
      rules.push(...directionRules(cluster, policy, chain, 'ingress', sets));
    }
    if (hasPolicyType(policy, 'Egress')) {
      sets.hashIp(policySourceSet(policy.namespace, policy.name), targets);
      rules.push(...directionRules(cluster, policy, chain, 'egress', sets));
    }
  }
  return { chains, rules };
}

/** syncPodFirewallChains for one local pod: its chain, in the seven steps of the pod firewall. */
function podChainRules(cluster: KubeCluster, pod: KubePod, chain: string, version: string): string[][] {
  const rules: string[][] = [
    ['-A', chain, ...comment('common netpol rules'), '-j', KUBE_NWPLCY_COMMON],
    ['-A', chain, ...comment('from local node'), '-m', 'addrtype', '--src-type', 'LOCAL', '-d', pod.ip, '-j', 'ACCEPT'],
  ];
  let ingress = false;
  let egress = false;
  for (const policy of cluster.policies.filter((p) => policySelects(p, pod))) {
    const target = policyChain(policy.namespace, policy.name, version);
    const jump = [...idComment(policy.namespace, policy.name, 'policy'), '-j', target];
    const both = hasPolicyType(policy, 'Ingress') && hasPolicyType(policy, 'Egress');
    if (both) rules.push(['-A', chain, ...jump]);
    else if (hasPolicyType(policy, 'Ingress')) rules.push(['-A', chain, '-d', pod.ip, ...jump]);
    else rules.push(['-A', chain, '-s', pod.ip, ...jump]);
    ingress ||= hasPolicyType(policy, 'Ingress');
    egress ||= hasPolicyType(policy, 'Egress');
  }
  if (!egress) rules.push(['-A', chain, '-s', pod.ip, ...comment('default egress'), '-j', KUBE_NWPLCY_DEFAULT]);
  if (!ingress) rules.push(['-A', chain, '-d', pod.ip, ...comment('default ingress'), '-j', KUBE_NWPLCY_DEFAULT]);
  const unmarked = ['-m', 'mark', '!', '--mark', MARK_MATCHED];
  rules.push(
    ['-A', chain, ...idComment(pod.namespace, pod.name, 'log-drop'), ...unmarked, '-j', 'NFLOG', '--nflog-group', NFLOG_GROUP, '-m', 'limit', '--limit', '10/minute', '--limit-burst', '10'],
    ['-A', chain, ...idComment(pod.namespace, pod.name, 'reject'), ...unmarked, '-j', 'REJECT'],
    ['-A', chain, ...comment('clear netpol mark'), '-j', 'MARK', '--set-mark', '0/0x10000'],
    ['-A', chain, ...comment('set netpol-ok mark'), '-j', 'MARK', '--set-mark', MARK_PASSED],
  );
  return rules;
}

/** interceptPodInboundTraffic / interceptPodOutboundTraffic: steering by pod IP, bridged copies included. */
function steeringRules(pod: KubePod, chain: string): string[][] {
  const into = idComment(pod.namespace, pod.name, 'in');
  const from = idComment(pod.namespace, pod.name, 'out');
  const bridged = ['-m', 'physdev', '--physdev-is-bridged'];
  return [
    ['-A', KUBE_ROUTER_FORWARD, ...into, '-d', pod.ip, '-j', chain],
    ['-A', KUBE_ROUTER_OUTPUT, ...into, '-d', pod.ip, '-j', chain],
    ['-A', KUBE_ROUTER_FORWARD, ...bridged, ...into, '-d', pod.ip, '-j', chain],
    ...TOP_LEVEL_CHAINS.map(([, top]) => ['-A', top, ...from, '-s', pod.ip, '-j', chain]),
    ['-A', KUBE_ROUTER_FORWARD, ...bridged, ...from, '-s', pod.ip, '-j', chain],
  ];
}

/** ensureTailChainPosition then ensureExplicitAccept: the end of every top-level chain. */
function chainEnds(): string[][] {
  return TOP_LEVEL_CHAINS.flatMap(([, top]) => [
    ['-A', top, ...comment('rule to explicitly handle traffic for network policies ACCEPT/REJECT decision'), '-j', KUBE_NWPLCY_TAIL],
    ['-A', top, ...comment('rule to explicitly ACCEPT traffic that comply to network policies'), '-m', 'mark', '--mark', MARK_PASSED, '-j', 'ACCEPT'],
  ]);
}

/** What a full kube-router sync leaves on `node` for this cluster. */
export function renderKubeRouterNode(cluster: KubeCluster, node: string, opts: KubeRouterOptions): KubeRouterNodeRules {
  const sets = new IpsetBook();
  const top = topLevelRules(opts);
  const policies = policyChains(cluster, opts.syncVersion, sets);
  const local = cluster.pods.filter((p) => p.node === node).sort(podOrder);
  const podChains = local.map((p) => podFirewallChain(p.namespace, p.name, opts.syncVersion));
  return {
    node,
    jumps: top.jumps,
    chains: [...TOP_LEVEL_CHAINS.map(([, c]) => c), KUBE_NWPLCY_COMMON, KUBE_NWPLCY_DEFAULT, KUBE_NWPLCY_TAIL, ...policies.chains, ...podChains],
    rules: [
      ...top.rules,
      ...fixedChainRules(),
      ...policies.rules,
      ...local.flatMap((p, i) => podChainRules(cluster, p, podChains[i]!, opts.syncVersion)),
      ...local.flatMap((p, i) => steeringRules(p, podChains[i]!)),
      ...chainEnds(),
    ],
    ipsets: sets.all(),
  };
}

// ---------------------------------------------------------------------------
// Inputs for the tools. All `iptables-restore --noflush`: a declared chain is
// flushed and refilled, nothing else in the table is touched.

const filterArgv = (rule: readonly string[]): string[] => ['iptables', '-t', 'filter', ...rule];

/** First sync on a node: declare (flush) every chain, insert the jumps, fill the chains. */
export function iptablesRestoreInstall(r: KubeRouterNodeRules): string {
  return toIptablesRestore([...r.chains.map((c) => filterArgv(['-N', c])), ...r.jumps.map(filterArgv), ...r.rules.map(filterArgv)]);
}

/**
 * A later sync (policies, pods or labels changed): every chain of `next` is
 * re-declared and refilled in one transaction, the jumps stay, and chains of
 * `prev` that `next` has no more are flushed and deleted.
 */
export function iptablesRestoreResync(prev: KubeRouterNodeRules, next: KubeRouterNodeRules): string {
  const gone = prev.chains.filter((c) => !next.chains.includes(c));
  return toIptablesRestore([
    ...next.chains.map((c) => filterArgv(['-N', c])),
    ...next.rules.map(filterArgv),
    ...gone.map((c) => filterArgv(['-F', c])),
    ...gone.map((c) => filterArgv(['-X', c])),
  ]);
}

/** Everything removed: the jumps deleted, every chain flushed then deleted (ipsets after, see ipsetDestroy). */
export function iptablesRestoreTeardown(r: KubeRouterNodeRules): string {
  return toIptablesRestore([
    ...r.jumps.map((j) => filterArgv(['-D', j[1]!, ...j.slice(3)])),
    ...r.chains.map((c) => filterArgv(['-F', c])),
    ...r.chains.map((c) => filterArgv(['-X', c])),
  ]);
}

/**
 * buildIPSetRestore for `ipset restore -exist`: each set is filled through a
 * temporary set of the same create options and swapped in atomically.
 */
export function ipsetRestore(sets: readonly IpsetSpec[]): string {
  const tmp = new Map<string, string>();
  let out = '';
  for (const set of sets) {
    const options = `${set.type} timeout 0`;
    let t = tmp.get(options);
    if (!t) {
      t = tmpSetName(options);
      tmp.set(options, t);
      out += `create ${t} ${options}\nflush ${t}\n`;
    }
    for (const entry of set.entries) out += `add ${t} ${entry}\n`;
    out += `create ${set.name} ${options}\nswap ${t} ${set.name}\nflush ${t}\n`;
  }
  for (const t of [...tmp.values()].sort()) out += `destroy ${t}\n`;
  return out;
}

/** `ipset restore` input destroying sets (after the rules that referenced them are gone). */
export function ipsetDestroy(names: readonly string[]): string {
  return names.map((n) => `destroy ${n}\n`).join('');
}

/** Sets `prev` had that `next` has no more (cleanupStaleIPSets, after the iptables restore). */
export function staleIpsets(prev: KubeRouterNodeRules, next: KubeRouterNodeRules | null): string[] {
  const keep = new Set(next?.ipsets.map((s) => s.name) ?? []);
  return prev.ipsets.map((s) => s.name).filter((n) => !keep.has(n));
}

// ---------------------------------------------------------------------------
// Plan steps: files plus one command each, so every change is one transaction.

function applySteps(dir: string, ipsets: string, iptables: string, destroy: string): Step[] {
  return [
    ...(ipsets ? ipsetRestoreFileSteps(`${dir}/ipset.restore`, ipsets) : []),
    ...iptablesRestoreFileSteps(`${dir}/filter.rules`, iptables),
    ...(destroy ? ipsetRestoreFileSteps(`${dir}/ipset.destroy`, destroy, false) : []),
  ];
}

/** kube-router's first sync on a node (`dir`: where the inputs are written, e.g. <stateDir>/kube-router). */
export const kubeRouterInstallSteps = (r: KubeRouterNodeRules, dir: string): Step[] => applySteps(dir, ipsetRestore(r.ipsets), iptablesRestoreInstall(r), '');

/** A later sync: sets refreshed, chains rewritten, stale chains and sets removed. */
export const kubeRouterResyncSteps = (prev: KubeRouterNodeRules, next: KubeRouterNodeRules, dir: string): Step[] =>
  applySteps(dir, ipsetRestore(next.ipsets), iptablesRestoreResync(prev, next), ipsetDestroy(staleIpsets(prev, next)));

/** kube-router gone from the node: no KUBE-ROUTER / KUBE-POD-FW / KUBE-NWPLCY chain and no ipset left. */
export const kubeRouterTeardownSteps = (r: KubeRouterNodeRules, dir: string): Step[] => applySteps(dir, '', iptablesRestoreTeardown(r), ipsetDestroy(staleIpsets(r, null)));
