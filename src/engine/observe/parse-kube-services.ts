// `iptables-save` of a node → its Services as kube-proxy's rules make them
// (docs/networking.md, "kube-proxy, iptables mode"):
//   nat KUBE-SERVICES   "<spn> cluster IP" -d VIP -p P --dport N -j KUBE-SVC-X   the ClusterIP
//   nat KUBE-NODEPORTS  "<spn>" --dport NP -j KUBE-EXT-X                          the node port
//   KUBE-EXT-X          → KUBE-SVL-X, or "pod traffic for …": externalTrafficPolicy Local
//   KUBE-SVC-X / SVL-X  -m recent --rcheck --seconds T (ClientIP), then one
//                       `-m statistic --probability p -j KUBE-SEP-Y` per endpoint, the last without
//   KUBE-SEP-Y          -j DNAT --to-destination ip:port                          the endpoint
//   filter              "<spn> has no endpoints" REJECT / "has no local endpoints" DROP
// An endpoint is there only while both its jump and its DNAT rule are: delete
// either in a terminal and it is gone here, and the shares of the others
// follow the rules that are left.
import type { ObservedEndpoint, ObservedProtocol, ObservedServicePort, ObservedServices } from '../../shared/services';
import { emptyServicePort, groupServices, shares } from './observed-services';
import { hasWord, jumpTarget, option, optionValue, parseRules, type IptablesRule } from './iptables-rule';

export interface ParseKubeServicesOptions {
  /** The prefix the lab put before every chain name on a shared machine (`PN-`). */
  chainPrefix?: string;
}

/** The nat and filter tables' lines of an iptables-save text. */
function tableLines(text: string): { nat: string[]; filter: string[] } {
  const tables: { nat: string[]; filter: string[] } = { nat: [], filter: [] };
  let current: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) current = line === '*nat' ? tables.nat : line === '*filter' ? tables.filter : null;
    else if (current && line.startsWith('-A ')) current.push(line);
  }
  return tables;
}

const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'sctp'];
const protocolOf = (rule: IptablesRule): ObservedProtocol | null => {
  const p = optionValue(rule, '-p');
  return p && PROTOCOLS.includes(p) ? (p as ObservedProtocol) : null;
};
const addressOf = (value: string | null) => (value ? value.replace(/\/32$/, '') : null);
const numberOf = (value: string | null) => (value === null ? null : Number(value));

/** Services as one host's iptables rules implement them. */
export function parseKubeServicesIptables(saveText: string, options: ParseKubeServicesOptions = {}): ObservedServices {
  const prefix = options.chainPrefix ?? '';
  const kube = (base: string) => `${prefix}${base}`;
  const lines = tableLines(saveText);
  const nat = parseRules(lines.nat);
  const filter = parseRules(lines.filter);
  const byChain = new Map<string, IptablesRule[]>();
  for (const r of nat) byChain.set(r.chain, [...(byChain.get(r.chain) ?? []), r]);
  const chainRules = (chain: string) => byChain.get(chain) ?? [];

  const ports = new Map<string, ObservedServicePort>();
  const portOf = (spn: string, protocol: ObservedProtocol) => {
    const key = `${spn}/${protocol}`;
    const existing = ports.get(key);
    if (existing) return existing;
    const created = emptyServicePort(spn, protocol);
    ports.set(key, created);
    return created;
  };
  const addChain = (p: ObservedServicePort, chain: string) => {
    if (p.chains.includes(chain)) return;
    p.chains.push(chain);
    p.rules.push(...chainRules(chain).map((r) => r.line));
  };
  const comment = (r: IptablesRule) => optionValue(r, '--comment');

  /** A KUBE-SVC / KUBE-SVL chain's endpoints and its affinity timeout. */
  const endpointsOf = (p: ObservedServicePort, chain: string): ObservedEndpoint[] => {
    addChain(p, chain);
    const jumps: { chain: string; probability: number | null; dnat: string | null }[] = [];
    for (const r of chainRules(chain)) {
      const target = jumpTarget(r);
      if (!target?.startsWith(kube('KUBE-SEP-'))) continue;
      if (hasWord(r, '--rcheck')) {
        p.affinityTimeoutSeconds = numberOf(optionValue(r, '--seconds'));
        continue;
      }
      addChain(p, target);
      const dnat = chainRules(target).find((s) => jumpTarget(s) === 'DNAT');
      jumps.push({ chain: target, probability: numberOf(optionValue(r, '--probability')), dnat: dnat ? optionValue(dnat, '--to-destination') : null });
    }
    const got = shares(jumps.map((j) => ({ probability: j.probability, terminal: j.dnat !== null })));
    const endpoints: ObservedEndpoint[] = [];
    jumps.forEach((j, i) => {
      const m = j.dnat ? /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(j.dnat) : null;
      if (m) endpoints.push({ ip: m[1]!, port: Number(m[2]), probability: j.probability, share: got[i]!, chain: j.chain });
    });
    return endpoints;
  };

  // The ClusterIPs.
  for (const r of chainRules(kube('KUBE-SERVICES'))) {
    const text = comment(r);
    const protocol = protocolOf(r);
    const target = jumpTarget(r);
    if (!text?.endsWith(' cluster IP') || !protocol || !target) continue;
    const p = portOf(text.slice(0, -' cluster IP'.length), protocol);
    p.clusterIP = addressOf(optionValue(r, '-d'));
    p.port = numberOf(optionValue(r, '--dport'));
    p.rules.push(r.line);
    p.endpoints = endpointsOf(p, target);
  }

  // The node ports, and externalTrafficPolicy from the KUBE-EXT chain.
  for (const r of chainRules(kube('KUBE-NODEPORTS'))) {
    const spn = comment(r);
    const protocol = protocolOf(r);
    const ext = jumpTarget(r);
    if (!spn || !protocol || !ext?.startsWith(kube('KUBE-EXT-'))) continue;
    const p = portOf(spn, protocol);
    p.rules.push(r.line);
    if (option(r, '-d')?.value === '127.0.0.0/8') continue; // the nfacct copy for localhost
    p.nodePort = numberOf(optionValue(r, '--dport'));
    addChain(p, ext);
    const extRules = chainRules(ext);
    const local = extRules.some((e) => jumpTarget(e)?.startsWith(kube('KUBE-SVL-')) || comment(e)?.startsWith('pod traffic for '));
    p.externalTrafficPolicy = local ? 'Local' : 'Cluster';
    const svl = extRules.map(jumpTarget).find((t) => t?.startsWith(kube('KUBE-SVL-')));
    if (local) p.localEndpoints = svl ? endpointsOf(p, svl) : [];
  }

  // Services without endpoints (filter).
  for (const r of filter) {
    const text = comment(r);
    const protocol = protocolOf(r);
    const m = text ? /^(\S+) has no (local )?endpoints$/.exec(text) : null;
    if (!m || !protocol) continue;
    const verdict = jumpTarget(r) === 'REJECT' ? 'reject' : 'drop';
    const p = portOf(m[1]!, protocol);
    p.rules.push(r.line);
    if (r.chain === kube('KUBE-SERVICES')) {
      p.clusterIP = addressOf(optionValue(r, '-d'));
      p.port = numberOf(optionValue(r, '--dport'));
      p.noEndpoints.clusterIP = verdict;
    } else if (r.chain === kube('KUBE-EXTERNAL-SERVICES') && optionValue(r, '--dst-type') === 'LOCAL') {
      p.nodePort = numberOf(optionValue(r, '--dport'));
      p.noEndpoints.nodePort = verdict;
      if (m[2]) {
        p.externalTrafficPolicy = 'Local';
        p.localEndpoints ??= [];
      } else {
        p.externalTrafficPolicy ??= 'Cluster';
      }
    }
  }

  return { mode: 'iptables', services: groupServices(ports.values()) };
}
