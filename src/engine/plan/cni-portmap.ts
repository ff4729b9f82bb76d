// hostPort, Kubernetes' answer to `docker run -p`: the nat chains the CNI
// portmap plugin creates on a node for its pods (docs/networking.md,
// "hostPort: the CNI portmap plugin"; containernetworking/plugins v1.9.1,
// plugins/meta/portmap/portmap_iptables.go and chain.go).
//
// Per pod ADD, in the plugin's order:
//   CNI-HOSTPORT-SETMARK  "CNI portfwd masquerade mark" → MARK --set-xmark 0x2000/0x2000 (bit 13)
//   CNI-HOSTPORT-MASQ     -m mark --mark 0x2000/0x2000 → MASQUERADE, jumped to from
//                         POSTROUTING by a rule INSERTED first ("CNI portfwd requiring masquerade")
//   CNI-HOSTPORT-DNAT     jumped to from PREROUTING and OUTPUT (`--dst-type LOCAL`), APPENDED
//                         — so after kube-proxy's KUBE-SERVICES
//   CNI-DN-<hex(sha512(netName + containerID))[:21]>  per pod: for each mapping the hairpin
//                         and localhost SETMARK rules, then the DNAT; appended to
//                         CNI-HOSTPORT-DNAT with one multiport rule per protocol (15 ports a rule)
// and route_localnet=1 on the bridge, so 127.0.0.1:<hostPort> can be DNATed.
//
// A lab has no container runtime: each pod's "container ID" (the sandbox ID
// the runtime would pass to CNI) is sha256 of `podnet/<lab>/<node>/<ns>/<pod>`
// in hex — 64 characters like a real one, the same on every run.
import { createHash } from 'node:crypto';
import { networkOf } from '../ipam/cidr';
import { commentMatch, restoreInput, saveView, type IptablesRuleLine, type IptablesTableRules } from './iptables-text';
import { DEFAULT_NAMES, type HostNames } from './plan-context';

export interface HostPortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
  /** Only this host address (default: every local address). */
  hostIP?: string;
}

export interface HostPortPod {
  ip: string;
  /** The pod's subnet prefix length (its CNI result, e.g. 24 for 10.244.1.5/24). */
  prefixLen: number;
  /** The sandbox ID the runtime would give; see `podContainerId`. */
  containerId: string;
  mappings: readonly HostPortMapping[];
}

export interface CniPortmapOptions {
  /** The CNI network's name (flannel's conflist: cbr0). */
  netName?: string;
  /** markMasqBit (default 13: 0x2000). */
  markMasqBit?: number;
  /** The interface on the host towards the pods (cni0): it gets route_localnet=1. */
  hostInterface: string;
  names?: HostNames;
}

export interface CniPortmap {
  tables: IptablesTableRules[];
  /** `iptables-restore --noflush` input; load it after kube-proxy's (pods start after it). */
  restore: string;
  /** What iptables-save prints for these rules alone. */
  saved: string;
  sysctls: { key: string; value: string }[];
}

/** The stable 64-hex "container ID" of a lab pod. */
export function podContainerId(lab: string, node: string, namespace: string, pod: string): string {
  return createHash('sha256').update(`podnet/${lab}/${node}/${namespace}/${pod}`).digest('hex');
}

const MAX_CHAIN = 28;
const MULTIPORT_MAX = 15;

/** utils.MustFormatChainNameWithPrefix: CNI-DN- and the sha512 hex, cut to 28 characters (shorter hash under a host prefix). */
export function dnatChainName(netName: string, containerId: string, names: HostNames = DEFAULT_NAMES): string {
  const hash = createHash('sha512').update(netName + containerId).digest('hex');
  const full = names.chain(`CNI-DN-${hash.slice(0, MAX_CHAIN - 'CNI-DN-'.length)}`);
  return full.slice(0, MAX_CHAIN);
}

/** The portmap plugin's chains on one node, for the pods on it that have hostPorts. */
export function cniPortmap(pods: readonly HostPortPod[], options: CniPortmapOptions): CniPortmap {
  const names = options.names ?? DEFAULT_NAMES;
  const netName = options.netName ?? 'cbr0';
  const markValue = `0x${(1 << (options.markMasqBit ?? 13)).toString(16)}`;
  const mark = `${markValue}/${markValue}`;
  const [top, setMark, masq] = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-SETMARK', 'CNI-HOSTPORT-MASQ'].map(names.chain) as [string, string, string];
  const withPorts = pods.filter((p) => p.mappings.length > 0);
  const chains = [setMark, masq, top];
  const inserts: IptablesRuleLine[] = [];
  const rules: IptablesRuleLine[] = [];
  if (withPorts.length > 0) {
    rules.push({ chain: setMark, spec: `${commentMatch('CNI portfwd masquerade mark')} -j MARK --set-xmark ${mark}` });
    rules.push({ chain: masq, spec: `-m mark --mark ${mark} -j MASQUERADE` });
    inserts.push({ chain: 'POSTROUTING', spec: `${commentMatch('CNI portfwd requiring masquerade')} -j ${masq}` });
    rules.push({ chain: 'PREROUTING', spec: `-m addrtype --dst-type LOCAL -j ${top}` }, { chain: 'OUTPUT', spec: `-m addrtype --dst-type LOCAL -j ${top}` });
  }
  for (const pod of withPorts) {
    const dn = dnatChainName(netName, pod.containerId, names);
    chains.push(dn);
    const comment = commentMatch(`dnat name: "${netName}" id: "${pod.containerId}"`);
    const byProto = new Map<string, number[]>();
    for (const m of pod.mappings) byProto.set(m.protocol, [...(byProto.get(m.protocol) ?? []), m.hostPort]);
    for (const proto of [...byProto.keys()].sort()) {
      const ports = byProto.get(proto)!;
      for (let i = 0; i < ports.length; i += MULTIPORT_MAX) {
        rules.push({ chain: top, spec: `-p ${proto} ${comment} -m multiport --dports ${ports.slice(i, i + MULTIPORT_MAX).join(',')} -j ${dn}` });
      }
    }
    const seen = new Set<string>();
    const add = (spec: string) => {
      if (seen.has(spec)) return; // InsertUnique
      seen.add(spec);
      rules.push({ chain: dn, spec });
    };
    for (const m of pod.mappings) {
      const dst = m.hostIP && m.hostIP !== '0.0.0.0' ? ` -d ${m.hostIP}/32` : '';
      const match = `-p ${m.protocol} -m ${m.protocol} --dport ${m.hostPort}`;
      add(`-s ${networkOf(`${pod.ip}/${pod.prefixLen}`)}${dst} ${match} -j ${setMark}`);
      add(`-s 127.0.0.1/32${dst} ${match} -j ${setMark}`);
      add(`${dst ? `${dst.trim()} ` : ''}${match} -j DNAT --to-destination ${pod.ip}:${m.containerPort}`);
    }
  }
  const tables: IptablesTableRules[] = withPorts.length > 0 ? [{ table: 'nat', chains, inserts, rules }] : [];
  return {
    tables,
    restore: restoreInput(tables),
    saved: saveView(tables),
    sysctls: withPorts.length > 0 ? [{ key: `net.ipv4.conf.${options.hostInterface}.route_localnet`, value: '1' }] : [],
  };
}
