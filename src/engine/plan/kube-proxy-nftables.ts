// kube-proxy in nftables mode (GA in v1.33), node by node: the `ip
// kube-proxy` table of a node as one `nft -f` input (docs/networking.md,
// "kube-proxy, nftables mode"; kube-proxy ~v1.33 pkg/proxy/nftables/
// proxier.go, written through knftables v0.0.x).
//
// The input is kube-proxy's first full sync as knftables writes it (`add
// table …`, base chains added, deleted and added again with numeric
// priorities, `flush chain`, `add rule`, `add element`), preceded by `add
// table` + `delete table` so that loading it again replaces the table whole.
// Rule text is written in the form `nft list` prints it (`meta mark set meta
// mark | 0x00004000` for kube-proxy's `mark set mark or 0x4000`), so `listed`
// — the table as `nft list table ip kube-proxy` prints it — is the same text.
//
// Localhost NodePorts do not exist in this mode (kube-proxy's own limit).
import type { ResolvedCluster, ResolvedEndpoint, ResolvedService, ResolvedServicePort } from '../kube/service-types';
import { NftTable, listTable, type NftChain, type NftSet } from './nft-listing';
import { endpointString, nftChainNames, nftEndpointChainBase, nftServiceChainBase, servicePortName } from './kube-proxy-names';

export interface KubeProxyNftablesOptions {
  /** --iptables-masquerade-bit, which nftables mode shares (default 14). */
  masqueradeBit?: number;
  /** --masquerade-all (default false). */
  masqueradeAll?: boolean;
  /** The table's name: kube-proxy's own by default; a shared machine gives the lab's another (`pn-kube-proxy`). */
  table?: string;
}

export interface KubeProxyNftables {
  /** The `nft -f` input for the node. */
  script: string;
  /** `nft list table ip kube-proxy` after loading it. */
  listed: string;
}

export const KUBE_PROXY_TABLE = 'kube-proxy';

const MARK_MASQ = 'mark-for-masquerade';
const REJECT_CHAIN = 'reject-chain';
const LOCALHOST = '127.0.0.0/8';

/** nft prints a mark as 0x followed by 8 hex digits. */
const nftMark = (bit: number) => `0x${(1 << bit).toString(16).padStart(8, '0')}`;

/** nftablesBaseChains: filter chains at dstnat-10 (-110) and dstnat+10 (-90), nat at dstnat (-100) and srcnat (100). */
const BASE_CHAINS: readonly [string, NonNullable<NftChain['hook']>][] = [
  ['filter-prerouting', { type: 'filter', hook: 'prerouting', priority: -110 }],
  ['filter-input', { type: 'filter', hook: 'input', priority: -110 }],
  ['filter-forward', { type: 'filter', hook: 'forward', priority: -110 }],
  ['filter-output', { type: 'filter', hook: 'output', priority: -110 }],
  ['filter-output-post-dnat', { type: 'filter', hook: 'output', priority: -90 }],
  ['nat-prerouting', { type: 'nat', hook: 'prerouting', priority: -100 }],
  ['nat-output', { type: 'nat', hook: 'output', priority: -100 }],
  ['nat-postrouting', { type: 'nat', hook: 'postrouting', priority: 100 }],
];

/** nftablesJumpChains, in kube-proxy's order: [to, from, condition]. */
const JUMP_CHAINS: readonly [string, string, string][] = [
  ['nodeport-endpoints-check', 'filter-input', 'ct state new'],
  ['service-endpoints-check', 'filter-input', 'ct state new'],
  ['service-endpoints-check', 'filter-forward', 'ct state new'],
  ['service-endpoints-check', 'filter-output', 'ct state new'],
  ['firewall-check', 'filter-prerouting', 'ct state new'],
  ['firewall-check', 'filter-output', 'ct state new'],
  ['services', 'nat-output', ''],
  ['services', 'nat-prerouting', ''],
  ['masquerading', 'nat-postrouting', ''],
  ['cluster-ips-check', 'filter-forward', 'ct state new'],
  ['cluster-ips-check', 'filter-output-post-dnat', 'ct state new'],
];

const quote = (s: string) => JSON.stringify(s);

/** The `ip kube-proxy` table of one node. */
export function kubeProxyNftables(cluster: ResolvedCluster, node: string, options: KubeProxyNftablesOptions = {}): KubeProxyNftables {
  const mark = nftMark(options.masqueradeBit ?? 14);
  const table = options.table ?? KUBE_PROXY_TABLE;
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(table)) throw new Error(`not a table name: ${table}`);
  const P = `ip ${table}`;
  const t = new NftTable(table);
  const out = t.script;
  out.push(`add table ${P}`, `delete table ${P}`, `add table ${P} { comment "rules for kube-proxy" ; }`);
  for (const [name] of BASE_CHAINS) out.push(`add chain ${P} ${name}`, `delete chain ${P} ${name}`);
  for (const [name, hook] of BASE_CHAINS) {
    t.chain(name, hook);
    out.push(`add chain ${P} ${name} { type ${hook.type} hook ${hook.hook} priority ${hook.priority} ; }`, `flush chain ${P} ${name}`);
  }
  const ensureChain = (name: string) => {
    if (t.chains.has(name)) return t.chains.get(name)!;
    out.push(`add chain ${P} ${name}`, `flush chain ${P} ${name}`);
    return t.chain(name);
  };
  const rule = (chain: string, text: string, comment?: string) => {
    const full = comment ? `${text} comment ${quote(comment)}` : text;
    t.chains.get(chain)!.rules.push(full);
    out.push(`add rule ${P} ${chain} ${full}`);
  };
  const addSet = (kind: 'set' | 'map', s: Omit<NftSet, 'elements'>) => {
    const props = [`type ${s.type} ;`, ...(s.flags ? [`flags ${s.flags} ;`] : []), ...(s.timeoutSeconds ? [`timeout ${s.timeoutSeconds}s ;`] : []), ...(s.comment ? [`comment ${quote(s.comment)} ;`] : [])];
    out.push(`add ${kind} ${P} ${s.name} { ${props.join(' ')} }`);
    return t.set(s);
  };
  const element = (set: NftSet, key: string, value?: string, comment?: string) => {
    if (set.elements.some((e) => e === key || e.startsWith(`${key} `))) return; // ensureElem: once per key
    const text = `${key}${comment ? ` comment ${quote(comment)}` : ''}${value ? ` : ${value}` : ''}`;
    set.elements.push(text);
    out.push(`add element ${P} ${set.name} { ${text} }`);
  };

  // setupNFTables
  for (const [to, from, condition] of JUMP_CHAINS) {
    ensureChain(to);
    rule(from, `${condition ? `${condition} ` : ''}jump ${to}`);
  }
  for (const name of ['services', 'cluster-ips-check', 'masquerading', MARK_MASQ]) ensureChain(name);
  rule(MARK_MASQ, `meta mark set meta mark | ${mark}`);
  rule('masquerading', `meta mark & ${mark} == 0x00000000 return`);
  rule('masquerading', `meta mark set meta mark ^ ${mark}`);
  rule('masquerading', 'masquerade fully-random');
  const clusterIps = addSet('set', { name: 'cluster-ips', type: 'ipv4_addr', comment: 'Active ClusterIPs' });
  rule('cluster-ips-check', 'ip daddr @cluster-ips reject', 'Reject traffic to invalid ports of ClusterIPs');
  rule('cluster-ips-check', `ip daddr ${cluster.serviceCidr} drop`, 'Drop traffic to unallocated ClusterIPs');
  // nodeport-ips is added and deleted again: every local address takes NodePorts.
  out.push(`add set ${P} nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }`, `delete set ${P} nodeport-ips`);
  const noEndpointServices = addSet('map', { name: 'no-endpoint-services', type: 'ipv4_addr . inet_proto . inet_service : verdict', comment: 'vmap to drop or reject packets to services with no endpoints' });
  const noEndpointNodePorts = addSet('map', { name: 'no-endpoint-nodeports', type: 'inet_proto . inet_service : verdict', comment: 'vmap to drop or reject packets to service nodeports with no endpoints' });
  const rejectComment = 'helper for @no-endpoint-services / @no-endpoint-nodeports';
  out.push(`add chain ${P} ${REJECT_CHAIN} { comment ${quote(rejectComment)} ; }`, `flush chain ${P} ${REJECT_CHAIN}`);
  t.chain(REJECT_CHAIN, undefined, rejectComment);
  rule(REJECT_CHAIN, 'reject');
  rule('service-endpoints-check', 'ip daddr . meta l4proto . th dport vmap @no-endpoint-services');
  rule('nodeport-endpoints-check', `ip daddr != ${LOCALHOST} meta l4proto . th dport vmap @no-endpoint-nodeports`);
  addSet('map', { name: 'firewall-ips', type: 'ipv4_addr . inet_proto . inet_service : verdict', comment: 'destinations that are subject to LoadBalancerSourceRanges' });
  rule('firewall-check', 'ip daddr . meta l4proto . th dport vmap @firewall-ips');
  const serviceIps = addSet('map', { name: 'service-ips', type: 'ipv4_addr . inet_proto . inet_service : verdict', comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic' });
  const serviceNodePorts = addSet('map', { name: 'service-nodeports', type: 'inet_proto . inet_service : verdict', comment: 'NodePort traffic' });
  rule('services', 'ip daddr . meta l4proto . th dport vmap @service-ips');
  rule('services', `fib daddr type local ip daddr != ${LOCALHOST} meta l4proto . th dport vmap @service-nodeports`);

  // syncProxyRules, service port by service port
  const ctx: SyncCtx = { node, cluster, masqueradeAll: options.masqueradeAll ?? false, ensureChain, rule, addSet, element, sets: { clusterIps, serviceIps, serviceNodePorts, noEndpointServices, noEndpointNodePorts } };
  for (const svc of cluster.services) if (svc.clusterIP !== null) for (const port of svc.ports) servicePortRules(ctx, svc, port);

  return { script: `${out.join('\n')}\n`, listed: listTable(t) };
}

interface SyncCtx {
  node: string;
  cluster: ResolvedCluster;
  masqueradeAll: boolean;
  ensureChain: (name: string) => NftChain;
  rule: (chain: string, text: string, comment?: string) => void;
  addSet: (kind: 'set' | 'map', s: Omit<NftSet, 'elements'>) => NftSet;
  element: (set: NftSet, key: string, value?: string, comment?: string) => void;
  sets: Record<'clusterIps' | 'serviceIps' | 'serviceNodePorts' | 'noEndpointServices' | 'noEndpointNodePorts', NftSet>;
}

function servicePortRules(ctx: SyncCtx, svc: ResolvedService, port: ResolvedServicePort): void {
  const proto = port.protocol.toLowerCase();
  const spn = servicePortName(svc.namespace, svc.name, port.name);
  const base = nftServiceChainBase(svc.namespace, svc.name, proto, port.name);
  const chains = { service: nftChainNames.service(base), local: nftChainNames.local(base), external: nftChainNames.external(base) };
  const endpointBase = (e: ResolvedEndpoint) => nftEndpointChainBase(svc.namespace, svc.name, proto, port.name, e.ip, e.port);
  const endpointChain = (e: ResolvedEndpoint) => nftChainNames.endpoint(endpointBase(e));
  const affinitySet = (e: ResolvedEndpoint) => nftChainNames.affinity(endpointBase(e));
  const clusterEndpoints = port.endpoints;
  const localEndpoints = port.endpoints.filter((e) => e.node === ctx.node);
  const hasEndpoints = clusterEndpoints.length > 0;
  const externalLocal = svc.externalTrafficPolicy === 'Local';
  const hasExternalEndpoints = hasEndpoints && (!externalLocal || localEndpoints.length > 0);
  const usesLocalChain = externalLocal && localEndpoints.length > 0;
  const usesExternalChain = hasEndpoints && port.nodePort !== null;
  const affinity = svc.sessionAffinity === 'ClientIP';

  for (const e of clusterEndpoints) ctx.ensureChain(endpointChain(e));
  if (hasEndpoints) ctx.ensureChain(chains.service);
  if (usesLocalChain) ctx.ensureChain(chains.local);
  if (usesExternalChain) ctx.ensureChain(chains.external);

  const vip = svc.clusterIP!;
  ctx.element(ctx.sets.clusterIps, vip);
  if (hasEndpoints) ctx.element(ctx.sets.serviceIps, `${vip} . ${proto} . ${port.port}`, `goto ${chains.service}`);
  else ctx.element(ctx.sets.noEndpointServices, `${vip} . ${proto} . ${port.port}`, `goto ${REJECT_CHAIN}`, spn);
  if (port.nodePort !== null) {
    if (hasEndpoints) ctx.element(ctx.sets.serviceNodePorts, `${proto} . ${port.nodePort}`, `goto ${chains.external}`);
    if (!hasExternalEndpoints) ctx.element(ctx.sets.noEndpointNodePorts, `${proto} . ${port.nodePort}`, hasEndpoints ? 'drop' : `goto ${REJECT_CHAIN}`, spn);
  }
  if (!hasEndpoints) return;

  const clusterCidr = ctx.cluster.clusterCidr;
  ctx.rule(chains.service, `ip daddr ${vip} ${proto} dport ${port.port} ${ctx.masqueradeAll ? '' : `ip saddr != ${clusterCidr} `}jump ${MARK_MASQ}`);
  if (usesExternalChain) {
    if (!externalLocal) {
      ctx.rule(chains.external, `jump ${MARK_MASQ}`);
    } else {
      ctx.rule(chains.external, `ip saddr ${clusterCidr} goto ${chains.service}`, 'short-circuit pod traffic');
      ctx.rule(chains.external, `fib saddr type local jump ${MARK_MASQ}`, 'masquerade local traffic');
      ctx.rule(chains.external, `fib saddr type local goto ${chains.service}`, 'short-circuit local traffic');
    }
    if (hasExternalEndpoints) ctx.rule(chains.external, `goto ${externalLocal ? chains.local : chains.service}`);
  }
  if (affinity) {
    for (const e of clusterEndpoints) ctx.addSet('set', { name: affinitySet(e), type: 'ipv4_addr', flags: 'dynamic,timeout', timeoutSeconds: svc.sessionAffinityTimeoutSeconds });
  }
  const loadBalance = (chain: string, endpoints: readonly ResolvedEndpoint[]) => {
    if (affinity) for (const e of endpoints) ctx.rule(chain, `ip saddr @${affinitySet(e)} goto ${endpointChain(e)}`);
    ctx.rule(chain, `numgen random mod ${endpoints.length} vmap { ${endpoints.map((e, i) => `${i} : goto ${endpointChain(e)}`).join(', ')} }`);
  };
  loadBalance(chains.service, clusterEndpoints);
  if (usesLocalChain) loadBalance(chains.local, localEndpoints);
  for (const e of clusterEndpoints) {
    const chain = endpointChain(e);
    ctx.rule(chain, `ip saddr ${e.ip} jump ${MARK_MASQ}`);
    if (affinity) ctx.rule(chain, `update @${affinitySet(e)} { ip saddr }`);
    ctx.rule(chain, `meta l4proto ${proto} dnat to ${endpointString(e.ip, e.port)}`);
  }
}
