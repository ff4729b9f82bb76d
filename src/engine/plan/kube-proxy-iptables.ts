// kube-proxy in iptables mode (the default), node by node: the rules a real
// node holds once kubelet and kube-proxy have started, as one
// `iptables-restore --noflush` input (docs/networking.md, "kube-proxy,
// iptables mode"; kube-proxy ~v1.33 pkg/proxy/iptables/proxier.go, kubelet
// pkg/kubelet/kubelet_network_linux.go).
//
// What is written, in the order a node gets it:
//  1. kubelet: KUBE-IPTABLES-HINT (mangle), KUBE-KUBELET-CANARY (mangle, nat,
//     filter), KUBE-FIREWALL with its "block incoming localnet connections"
//     rule, jumped to from OUTPUT then INPUT with EnsureRule(Prepend).
//  2. kube-proxy's start: KUBE-PROXY-CANARY (mangle, nat, filter), then its
//     jump list (iptablesJumpChains) each with EnsureRule(Prepend) — `-I
//     <chain> 1` here, so the last one lands first, as on a node.
//  3. kube-proxy's sync: its filter and nat chains, rewritten whole.
// Jumps from built-in chains go to the head of those chains: kubelet and
// kube-proxy insert them, so on a node they sit before flannel's
// FLANNEL-POSTRTG / FLANNEL-FWD and Docker's DOCKER jumps, which those
// append — whichever was loaded first. (Something inserted later, like the
// CNI portmap plugin's CNI-HOSTPORT-MASQ, goes before them.)
//
// Rules are in iptables-save's form (`--set-xmark` for kube-proxy's
// `--or-mark`/`--xor-mark`, 0x4000 for its "0x004000", the probability as
// the kernel stores it, see `savedProbability`), so the text is both the
// restore input and what `iptables-save` prints back.
import type { ResolvedCluster, ResolvedEndpoint, ResolvedService, ResolvedServicePort } from '../kube/service-types';
import { commentMatch, restoreInput, saveView, type IptablesRuleLine, type IptablesTableRules } from './iptables-text';
import { endpointString, iptablesChainNames, servicePortName } from './kube-proxy-names';
import { DEFAULT_NAMES, type HostNames } from './plan-context';

export interface KubeProxyIptablesOptions {
  /** --iptables-masquerade-bit (default 14: mark 0x4000). */
  masqueradeBit?: number;
  /** --iptables-localhost-nodeports (default true). */
  localhostNodePorts?: boolean;
  /** --masquerade-all (default false). */
  masqueradeAll?: boolean;
  /** nf_conntrack_tcp_be_liberal=1 on the node: no INVALID drop rule (default false). */
  conntrackTcpBeLiberal?: boolean;
  /**
   * kube-proxy could create its nfacct counters (needs the `nfacct` objects on
   * the node). Default false: the node image has no nfacct tool, and
   * kube-proxy then writes the same rules without the `-m nfacct` matches.
   */
  nfacct?: boolean;
  /** Chain names on a shared machine (default: kube-proxy's own). */
  names?: HostNames;
}

export interface KubeProxyIptables {
  /** mangle, filter, nat: what kubelet and kube-proxy write. */
  tables: IptablesTableRules[];
  /** The `iptables-restore --noflush` input for the node: load it once (its jumps are inserted). */
  restore: string;
  /**
   * What every later sync of kube-proxy writes: the same chains, rewritten
   * whole, without the jumps from built-in chains. Loading it again and again
   * leaves the node as `restore` left it (a repair, an endpoint change).
   */
  sync: string;
  /** What iptables-save prints for these rules alone (user chains sorted, no built-in policy lines). */
  saved: string;
}

const LOCALHOST = '127.0.0.0/8';
const LARGE_CLUSTER_ENDPOINTS = 1000;
const NFACCT_INVALID = 'ct_state_invalid_dropped_pkts';
const NFACCT_LOCALHOST_NODEPORT = 'localhost_nps_accepted_pkts';

/** The mark as iptables prints it: 1 << bit in hex, without padding. */
const hexMark = (bit: number) => `0x${(1 << bit).toString(16)}`;

/**
 * The `--probability` iptables-save prints for 1/n: kube-proxy writes
 * `%0.10f` (0.3333333333), libxt_statistic stores lround(p · 2^31) and prints
 * it back with `%.11f` (0.33333333349). Exact, with printf's round-half-even.
 */
export function savedProbability(n: number): string {
  const written = Number((1 / n).toFixed(10));
  const stored = BigInt(Math.round(written * 2 ** 31));
  const scaled = stored * 10n ** 11n;
  const unit = 2n ** 31n;
  let q = scaled / unit;
  const twice = (scaled % unit) * 2n;
  if (twice > unit || (twice === unit && q % 2n === 1n)) q += 1n;
  const digits = q.toString().padStart(12, '0');
  return `${digits.slice(0, -11)}.${digits.slice(-11)}`;
}

/** `-p tcp … -m tcp`: the protocol match kube-proxy writes as `-m tcp -p tcp`. */
const proto = (p: ResolvedServicePort) => p.protocol.toLowerCase();

interface Ctx {
  node: string;
  cluster: ResolvedCluster;
  chain: (base: string) => string;
  mark: string;
  localhostNodePorts: boolean;
  masqueradeAll: boolean;
  nfacct: boolean;
  largeCluster: boolean;
  nat: IptablesRuleLine[];
  filter: IptablesRuleLine[];
  natChains: string[];
}

/** The iptables rules of kubelet and kube-proxy on one node. */
export function kubeProxyIptables(cluster: ResolvedCluster, node: string, options: KubeProxyIptablesOptions = {}): KubeProxyIptables {
  const names = options.names ?? DEFAULT_NAMES;
  const chain = names.chain;
  const [hint, kubeletCanary, proxyCanary, firewall] = ['KUBE-IPTABLES-HINT', 'KUBE-KUBELET-CANARY', 'KUBE-PROXY-CANARY', 'KUBE-FIREWALL'].map(chain) as [string, string, string, string];
  const [services, external, forward, nodePorts, proxyFirewall, postrouting, markMasq] = [
    'KUBE-SERVICES',
    'KUBE-EXTERNAL-SERVICES',
    'KUBE-FORWARD',
    'KUBE-NODEPORTS',
    'KUBE-PROXY-FIREWALL',
    'KUBE-POSTROUTING',
    'KUBE-MARK-MASQ',
  ].map(chain) as [string, string, string, string, string, string, string];
  const bit = options.masqueradeBit ?? 14;
  const mark = hexMark(bit);
  const localhostNodePorts = options.localhostNodePorts ?? true;
  const proxied = cluster.services.filter((s) => s.clusterIP !== null);
  const totalEndpoints = proxied.reduce((n, s) => n + s.ports.reduce((m, p) => m + p.endpoints.length, 0), 0);

  const ctx: Ctx = {
    node,
    cluster,
    chain,
    mark,
    localhostNodePorts,
    masqueradeAll: options.masqueradeAll ?? false,
    nfacct: options.nfacct ?? false,
    largeCluster: totalEndpoints > LARGE_CLUSTER_ENDPOINTS,
    nat: [],
    filter: [],
    natChains: [services, nodePorts, postrouting, markMasq],
  };

  // kube-proxy's sync: the fixed rules first, then every service port.
  ctx.nat.push({ chain: postrouting, spec: `-m mark ! --mark ${mark}/${mark} -j RETURN` });
  ctx.nat.push({ chain: postrouting, spec: `-j MARK --set-xmark ${mark}/0x0` });
  ctx.nat.push({ chain: postrouting, spec: `${commentMatch('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully` });
  ctx.nat.push({ chain: markMasq, spec: `-j MARK --set-xmark ${mark}/${mark}` });
  const firewallRule: IptablesRuleLine = {
    chain: firewall,
    spec: `! -s ${LOCALHOST} -d ${LOCALHOST} ${commentMatch('block incoming localnet connections')} -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
  };
  for (const svc of proxied) for (const port of svc.ports) servicePortRules(ctx, svc, port, { services, external, nodePorts, markMasq });
  const nodePortsTail = localhostNodePorts ? '' : `! -d ${LOCALHOST} `;
  ctx.nat.push({ chain: services, spec: `${nodePortsTail}${commentMatch('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j ${nodePorts}` });
  if (!options.conntrackTcpBeLiberal) {
    ctx.filter.push({ chain: forward, spec: `-m conntrack --ctstate INVALID${ctx.nfacct ? ` -m nfacct --nfacct-name  ${NFACCT_INVALID}` : ''} -j DROP` });
  }
  ctx.filter.push({ chain: forward, spec: `${commentMatch('kubernetes forwarding rules')} -m mark --mark ${mark}/${mark} -j ACCEPT` });
  ctx.filter.push({ chain: forward, spec: `${commentMatch('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT` });

  const newConn = '-m conntrack --ctstate NEW';
  const jump = (from: string, extra: string, comment: string, to: string): IptablesRuleLine => ({ chain: from, spec: `${extra ? `${extra} ` : ''}${commentMatch(comment)} -j ${to}` });
  const tables: IptablesTableRules[] = [
    { table: 'mangle', chains: [hint, kubeletCanary, proxyCanary], inserts: [], rules: [] },
    {
      table: 'filter',
      chains: [kubeletCanary, firewall, proxyCanary, services, external, forward, nodePorts, proxyFirewall],
      inserts: [
        // kubelet
        { chain: 'OUTPUT', spec: `-j ${firewall}` },
        { chain: 'INPUT', spec: `-j ${firewall}` },
        // kube-proxy's iptablesJumpChains, in its order
        jump('INPUT', newConn, 'kubernetes externally-visible service portals', external),
        jump('FORWARD', newConn, 'kubernetes externally-visible service portals', external),
        jump('INPUT', '', 'kubernetes health check service ports', nodePorts),
        jump('FORWARD', newConn, 'kubernetes service portals', services),
        jump('OUTPUT', newConn, 'kubernetes service portals', services),
        jump('FORWARD', '', 'kubernetes forwarding rules', forward),
        jump('INPUT', newConn, 'kubernetes load balancer firewall', proxyFirewall),
        jump('OUTPUT', newConn, 'kubernetes load balancer firewall', proxyFirewall),
        jump('FORWARD', newConn, 'kubernetes load balancer firewall', proxyFirewall),
      ],
      rules: [firewallRule, ...ctx.filter],
    },
    {
      table: 'nat',
      chains: [kubeletCanary, proxyCanary, ...ctx.natChains],
      inserts: [jump('OUTPUT', '', 'kubernetes service portals', services), jump('PREROUTING', '', 'kubernetes service portals', services), jump('POSTROUTING', '', 'kubernetes postrouting rules', postrouting)],
      rules: ctx.nat,
    },
  ];
  return { tables, restore: restoreInput(tables), sync: restoreInput(tables.map((t) => ({ ...t, inserts: [] }))), saved: saveView(tables) };
}

interface TopChains {
  services: string;
  external: string;
  nodePorts: string;
  markMasq: string;
}

/** kube-proxy's per-service-port block of syncProxyRules, for this node. */
function servicePortRules(ctx: Ctx, svc: ResolvedService, port: ResolvedServicePort, top: TopChains): void {
  const spn = servicePortName(svc.namespace, svc.name, port.name);
  const p = proto(port);
  const names = {
    svc: ctx.chain(iptablesChainNames.svc(spn, p)),
    svl: ctx.chain(iptablesChainNames.svl(spn, p)),
    ext: ctx.chain(iptablesChainNames.ext(spn, p)),
    sep: (e: ResolvedEndpoint) => ctx.chain(iptablesChainNames.sep(spn, p, endpointString(e.ip, e.port))),
  };
  const clusterEndpoints = port.endpoints;
  const localEndpoints = port.endpoints.filter((e) => e.node === ctx.node);
  const hasEndpoints = clusterEndpoints.length > 0;
  const externalLocal = svc.externalTrafficPolicy === 'Local';
  const hasExternalEndpoints = hasEndpoints && (!externalLocal || localEndpoints.length > 0);
  const usesExternalChain = hasEndpoints && port.nodePort !== null;
  const vip = `-d ${svc.clusterIP}/32 -p ${p}`;
  const dport = (n: number) => `-m ${p} --dport ${n}`;
  const clusterIpMatch = `${vip} ${commentMatch(`${spn} cluster IP`)} ${dport(port.port)}`;

  if (hasEndpoints) ctx.nat.push({ chain: top.services, spec: `${clusterIpMatch} -j ${names.svc}` });
  else ctx.filter.push({ chain: top.services, spec: `${vip} ${commentMatch(`${spn} has no endpoints`)} ${dport(port.port)} -j REJECT --reject-with icmp-port-unreachable` });

  if (port.nodePort !== null) {
    if (hasEndpoints) {
      if (ctx.localhostNodePorts && ctx.nfacct) {
        ctx.nat.push({ chain: top.nodePorts, spec: `-d 127.0.0.0/8 -p ${p} ${commentMatch(spn)} ${dport(port.nodePort)} -m nfacct --nfacct-name  ${NFACCT_LOCALHOST_NODEPORT} -j ${names.ext}` });
      }
      ctx.nat.push({ chain: top.nodePorts, spec: `-p ${p} ${commentMatch(spn)} ${dport(port.nodePort)} -j ${names.ext}` });
    }
    if (!hasExternalEndpoints) {
      const [target, why] = hasEndpoints ? ['DROP', 'has no local endpoints'] : ['REJECT --reject-with icmp-port-unreachable', 'has no endpoints'];
      ctx.filter.push({ chain: top.external, spec: `-p ${p} ${commentMatch(`${spn} ${why}`)} -m addrtype --dst-type LOCAL ${dport(port.nodePort)} -j ${target}` });
    }
  }
  if (!hasEndpoints) return;

  // Internal traffic: masquerade what comes from outside the cluster network.
  const masq = ctx.masqueradeAll ? '' : `! -s ${ctx.cluster.clusterCidr} `;
  const internal: IptablesRuleLine[] = [{ chain: names.svc, spec: `${masq}${clusterIpMatch} -j ${top.markMasq}` }];

  if (usesExternalChain) {
    ctx.natChains.push(names.ext);
    if (!externalLocal) {
      ctx.nat.push({ chain: names.ext, spec: `${commentMatch(`masquerade traffic for ${spn} external destinations`)} -j ${top.markMasq}` });
    } else {
      ctx.nat.push({ chain: names.ext, spec: `-s ${ctx.cluster.clusterCidr} ${commentMatch(`pod traffic for ${spn} external destinations`)} -j ${names.svc}` });
      ctx.nat.push({ chain: names.ext, spec: `${commentMatch(`masquerade LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j ${top.markMasq}` });
      ctx.nat.push({ chain: names.ext, spec: `${commentMatch(`route LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j ${names.svc}` });
    }
    if (hasExternalEndpoints) ctx.nat.push({ chain: names.ext, spec: `-j ${externalLocal ? names.svl : names.svc}` });
  }

  ctx.natChains.push(names.svc);
  ctx.nat.push(...internal, ...endpointJumps(ctx, svc, spn, names.svc, clusterEndpoints, names.sep));
  if (externalLocal && localEndpoints.length > 0) {
    ctx.natChains.push(names.svl);
    ctx.nat.push(...endpointJumps(ctx, svc, spn, names.svl, localEndpoints, names.sep));
  }

  for (const e of clusterEndpoints) {
    const sep = names.sep(e);
    const comment = ctx.largeCluster ? '' : `${commentMatch(spn)} `;
    const affinity = svc.sessionAffinity === 'ClientIP' ? `-m recent --set --name ${sep} --mask 255.255.255.255 --rsource ` : '';
    ctx.natChains.push(sep);
    ctx.nat.push({ chain: sep, spec: `-s ${e.ip}/32 ${comment}-j ${top.markMasq}` });
    ctx.nat.push({ chain: sep, spec: `-p ${p} ${comment}${affinity}-m ${p} -j DNAT --to-destination ${endpointString(e.ip, e.port)}` });
  }
}

/** writeServiceToEndpointRules: the affinity checks, then one probability rule per endpoint. */
function endpointJumps(ctx: Ctx, svc: ResolvedService, spn: string, from: string, endpoints: readonly ResolvedEndpoint[], sep: (e: ResolvedEndpoint) => string): IptablesRuleLine[] {
  const rules: IptablesRuleLine[] = [];
  const comment = (e: ResolvedEndpoint) => (ctx.largeCluster ? '' : `${commentMatch(`${spn} -> ${endpointString(e.ip, e.port)}`)} `);
  if (svc.sessionAffinity === 'ClientIP') {
    for (const e of endpoints) {
      rules.push({ chain: from, spec: `${comment(e)}-m recent --rcheck --seconds ${svc.sessionAffinityTimeoutSeconds} --reap --name ${sep(e)} --mask 255.255.255.255 --rsource -j ${sep(e)}` });
    }
  }
  endpoints.forEach((e, i) => {
    const statistic = i < endpoints.length - 1 ? `-m statistic --mode random --probability ${savedProbability(endpoints.length - i)} ` : '';
    rules.push({ chain: from, spec: `${comment(e)}${statistic}-j ${sep(e)}` });
  });
  return rules;
}
