// What the inspector shows for a Service, as one host's kube-proxy rules
// have it: for each port the walk a new connection takes through the chains
// (iptables: KUBE-SERVICES → KUBE-SVC → KUBE-SEP → DNAT, the node port by
// KUBE-NODEPORTS → KUBE-EXT; nftables: the service-ips and service-nodeports
// maps → service- → endpoint- chains), its endpoints with the rule's
// probability and their share, affinity, externalTrafficPolicy and the
// hosts without a local endpoint, then the rules themselves.
import type { ObservedEndpoint, ObservedServicePort } from '../../../../shared/services';
import type { Snapshot } from '../../../../shared/snapshot';
import { clusterServices, percent, placeOf, serviceTitle, type ClusterService, type ClusterServicePort } from '../cluster-services';
import type { DetailsModel, RuleList, Table } from './details-model';

type Mode = ClusterService['mode'];

const hostList = (hosts: readonly string[]) => hosts.join(', ');

/** Who has the address: `web-1 on node1`, `node1 (host)`, or nothing known. */
function whose(s: Snapshot, ip: string): string {
  const place = placeOf(s, ip);
  if (!place) return 'outside the lab';
  return place.kind === 'pod' ? `${place.pod} on ${place.host}` : `${place.host} (${place.iface})`;
}

/** The probability as the host prints it: iptables-save's 11 decimals; nftables: 1/N of its numgen. */
function probabilityShown(e: ObservedEndpoint, mode: Mode, count: number): string {
  if (mode === 'nftables') return `numgen 1/${count}`;
  return e.probability === null ? '— (the rest)' : e.probability.toFixed(11);
}

/** The first rule of a chain (its name as the host has it, prefixed or not) that matches: [chain, its jump]. */
function jumpOf(rules: readonly string[], chain: string, match: (line: string) => boolean): [string, string] | null {
  const line = rules.find((r) => r.startsWith('-A ') && r.split(' ')[1]!.endsWith(chain) && match(r));
  const target = line ? / -j (\S+)/.exec(line)?.[1] : undefined;
  return line && target ? [line.split(' ')[1]!, target] : null;
}

/** The walk of a new connection through one port's chains, as rows of [chain, match, then]. */
export function chainWalk(s: Snapshot, p: ObservedServicePort, mode: Mode): string[][] {
  const rows: string[][] = [];
  const proto = p.protocol;
  const endpointRows = (from: string, eps: readonly ObservedEndpoint[]) => {
    if (p.affinityTimeoutSeconds !== null) {
      rows.push([from, mode === 'nftables' ? 'ip saddr in @affinity-…' : `recent --rcheck --seconds ${p.affinityTimeoutSeconds}`, 'the endpoint this client had (ClientIP affinity)']);
    }
    for (const e of eps) {
      rows.push([from, mode === 'nftables' ? `numgen random mod ${eps.length}` : e.probability === null ? '(the rest)' : `statistic random --probability ${e.probability.toFixed(11)}`, e.chain]);
      rows.push([e.chain, '', `${mode === 'nftables' ? 'dnat to' : 'DNAT →'} ${e.ip}:${e.port} (${whose(s, e.ip)}, ${percent(e.share)})`]);
    }
  };

  if (mode === 'iptables') {
    const toVip = p.clusterIP ? jumpOf(p.rules, 'KUBE-SERVICES', (r) => r.includes(` -d ${p.clusterIP}/32 `) && !/ -j (REJECT|DROP)\b/.test(r)) : null;
    if (toVip) {
      rows.push([toVip[0], `-d ${p.clusterIP} ${proto} dport ${p.port}`, toVip[1]]);
      endpointRows(toVip[1], p.endpoints);
    }
    if (p.noEndpoints.clusterIP) rows.push(['KUBE-SERVICES (filter)', `-d ${p.clusterIP} ${proto} dport ${p.port}`, `${p.noEndpoints.clusterIP.toUpperCase()}: no endpoints`]);
    if (p.nodePort !== null) {
      const toExt = jumpOf(p.rules, 'KUBE-NODEPORTS', (r) => r.includes(` --dport ${p.nodePort} `) && !r.includes('127.0.0.0/8'));
      if (toExt) {
        const ext = toExt[1];
        rows.push([toExt[0], `${proto} dport ${p.nodePort} (any local address)`, ext]);
        const svl = p.chains.find((c) => c.includes('KUBE-SVL-'));
        const svc = p.chains.find((c) => c.includes('KUBE-SVC-'));
        if (p.externalTrafficPolicy === 'Local') {
          rows.push([ext, 'from a pod of this cluster', `${svc ?? 'KUBE-SVC-…'} (as if to the ClusterIP)`]);
          if (svl) {
            rows.push([ext, '', svl]);
            endpointRows(svl, p.localEndpoints ?? []);
          }
        } else {
          rows.push([ext, '', 'KUBE-MARK-MASQ (mark 0x4000: the source is masqueraded on the way out)']);
          if (svc) rows.push([ext, '', `${svc} (above)`]);
        }
      }
      if (p.noEndpoints.nodePort) rows.push(['KUBE-EXTERNAL-SERVICES (filter)', `${proto} dport ${p.nodePort} (local address)`, `${p.noEndpoints.nodePort.toUpperCase()}: no ${p.externalTrafficPolicy === 'Local' ? 'local ' : ''}endpoints`]);
    }
    return rows;
  }

  const service = p.chains.find((c) => c.startsWith('service-'));
  if (p.clusterIP && service) {
    rows.push(['service-ips (map)', `${p.clusterIP} . ${proto} . ${p.port}`, `goto ${service}`]);
    endpointRows(service, p.endpoints);
  }
  if (p.noEndpoints.clusterIP) rows.push(['no-endpoint-services (map)', `${p.clusterIP} . ${proto} . ${p.port}`, `${p.noEndpoints.clusterIP}: no endpoints`]);
  const external = p.chains.find((c) => c.startsWith('external-'));
  if (p.nodePort !== null && external) {
    rows.push(['service-nodeports (map)', `${proto} . ${p.nodePort}`, `goto ${external}`]);
    const local = p.chains.find((c) => c.startsWith('local-'));
    if (p.externalTrafficPolicy === 'Local' && local) {
      rows.push([external, '', `goto ${local}`]);
      endpointRows(local, p.localEndpoints ?? []);
    } else if (service) {
      rows.push([external, '', `mark for masquerade, goto ${service} (above)`]);
    }
  }
  if (p.noEndpoints.nodePort) rows.push(['no-endpoint-nodeports (map)', `${proto} . ${p.nodePort}`, `${p.noEndpoints.nodePort}: no ${p.externalTrafficPolicy === 'Local' ? 'local ' : ''}endpoints`]);
  return rows;
}

function endpointsTable(s: Snapshot, caption: string, eps: readonly ObservedEndpoint[], mode: Mode): Table {
  return {
    caption,
    columns: ['endpoint', 'where', 'rule probability', 'share of new connections', 'chain'],
    rows: eps.map((e) => [`${e.ip}:${e.port}`, whose(s, e.ip), probabilityShown(e, mode, eps.length), percent(e.share), e.chain]),
  };
}

const portName = (p: ClusterServicePort) => `${p.portName || '(unnamed)'} ${p.port ?? '—'}/${p.protocol}`;

/** Hosts whose rules give this node port no local endpoint (externalTrafficPolicy Local: they drop it). */
export function hostsWithoutLocalEndpoints(p: ClusterServicePort): string[] {
  if (p.externalTrafficPolicy !== 'Local') return [];
  return p.hosts.filter((h) => h.port && (h.port.localEndpoints ?? []).length === 0).map((h) => h.host);
}

function serviceFacts(svc: ClusterService, host: string): [string, string][] {
  const facts: [string, string][] = [['type', svc.kind]];
  const vip = svc.ports.find((p) => p.clusterIP)?.clusterIP ?? null;
  facts.push(['virtual IP', vip ?? 'none (headless: its name resolves to the endpoints themselves)']);
  facts.push(['ports', svc.ports.map((p) => `${portName(p)}${p.nodePort !== null ? ` · node port ${p.nodePort}` : ''}`).join(', ')]);
  const policies = [...new Set(svc.ports.map((p) => p.externalTrafficPolicy).filter((x) => x !== null))];
  if (policies.length) facts.push(['externalTrafficPolicy', policies.join(', ')]);
  const affinity = svc.ports.find((p) => p.affinityTimeoutSeconds !== null)?.affinityTimeoutSeconds ?? null;
  facts.push(['session affinity', affinity === null ? 'None' : `ClientIP (${affinity} s)`]);
  for (const p of svc.ports) {
    const without = hostsWithoutLocalEndpoints(p);
    if (without.length) facts.push([`no local endpoint${svc.ports.length > 1 ? ` (${portName(p)})` : ''}`, `${hostList(without)}: node port ${p.nodePort} is dropped there`]);
  }
  const partial = svc.endpoints.filter((e) => e.missingOn.length > 0 && e.missingOn.length < e.hosts.length);
  for (const e of partial) facts.push([`endpoint ${e.ip} missing on`, hostList(e.missingOn)]);
  if (svc.missingOn.length) facts.push(['not in the rules of', hostList(svc.missingOn)]);
  facts.push(['observed on', `${host} (kube-proxy ${svc.mode} mode)`]);
  return facts;
}

/** The details of a Service as `host` has it (default: the selection's host, else the first host with it). */
export function serviceDetails(s: Snapshot, key: string, host?: string | null): DetailsModel | null {
  const svc = clusterServices(s)?.find((x) => x.key === key);
  if (!svc) return null;
  const shownHost = host && svc.hostsWith.includes(host) ? host : (svc.hostsWith[0] ?? null);
  const tables: Table[] = [];
  const rules: RuleList[] = [];
  if (shownHost && svc.kind === 'headless') {
    tables.push(...svc.ports.map((p) => endpointsTable(s, `${portName(p)}: endpoints (its DNS records)`, p.hosts.find((h) => h.host === shownHost)?.port?.endpoints ?? [], svc.mode)));
  } else if (shownHost) {
    for (const p of svc.ports) {
      const own = p.hosts.find((h) => h.host === shownHost)?.port ?? null;
      const name = portName(p);
      if (!own) {
        rules.push({ caption: `${name}: not in ${shownHost}'s rules`, lines: [] });
        continue;
      }
      const walk = chainWalk(s, own, svc.mode);
      if (walk.length) tables.push({ caption: `${name}: a new connection's way on ${shownHost}`, columns: ['chain', 'match', 'then'], rows: walk, wrap: true });
      tables.push(endpointsTable(s, `${name}: endpoints`, own.endpoints, svc.mode));
      if (own.localEndpoints) tables.push(endpointsTable(s, `${name}: local endpoints on ${shownHost} (externalTrafficPolicy Local)`, own.localEndpoints, svc.mode));
      rules.push({ caption: `${name}: rules on ${shownHost} (${svc.mode === 'iptables' ? 'iptables-save' : 'nft list table ip kube-proxy'})`, lines: own.rules });
    }
  }
  return {
    title: serviceTitle(svc),
    subtitle: `${svc.namespace}/${svc.name} · Service${svc.kind === 'headless' ? ' (headless: kube-proxy writes no rules for it)' : ''}`,
    facts: serviceFacts(svc, shownHost ?? '—'),
    tables,
    rules,
    terminal: shownHost,
    hosts: svc.hostsWith.length > 1 ? { choices: svc.hostsWith, shown: shownHost! } : null,
  };
}
