// Cluster DNS (docs/networking.md, "Cluster DNS and the pod's resolv.conf"):
// what CoreDNS's kubernetes plugin answers (CoreDNS v1.12, the kubeadm
// Corefile, `ttl 30`), served by dnsmasq — Debian packages dnsmasq (the node
// image has dnsmasq-base) but not CoreDNS, so the lab shows the Corefile a
// cluster would have and runs a real DNS server with the same records:
//
//   A    <svc>.<ns>.svc.<domain>              the ClusterIP (+ its PTR), or for a
//                                             headless Service one A per endpoint
//   A    <a-b-c-d>.<svc>.<ns>.svc.<domain>    each endpoint, of any Service (no PTR:
//                                             CoreDNS ≥1.11 gives endpoints a PTR only
//                                             when they have a hostname, lab pods do not)
//   SRV  _<port>._<proto>.<svc>.<ns>.svc.<domain>  named ports: 0 100 <port> <svc>… for a
//                                             ClusterIP, one per endpoint (weight ⌊100/N⌋,
//                                             the endpoint's port) for a headless Service
//   A    <a-b-c-d>.<ns>.pod.<domain>          every pod, in every namespace (`pods insecure`)
//   PTR  ClusterIPs → <svc>.<ns>.svc.<domain>; any other private address: NXDOMAIN
//
// dnsmasq: `host-record` (A + PTR) for ClusterIPs, `dns-rr` type 1 (an A without
// PTR, this exact name only) for the rest, `srv-host` for SRV, `local=` so
// that an unknown name in the domain is NXDOMAIN, `local-ttl=30`.
// Where it differs from CoreDNS (verified with dig in the integration test):
// no SOA in NXDOMAIN/NODATA answers and no A records of SRV targets in the
// additional section; `pods insecure` answers any a-b-c-d, the lab only its
// pods' addresses; names outside the domain are REFUSED (no upstream: lab
// traffic never leaves the lab) where CoreDNS would forward them.
import { isDomainName } from '../kube/kube-object-names';
import type { ResolvedCluster, ResolvedService } from '../kube/service-types';

export const DNS_TTL = 30;

export type DnsRecord =
  | { name: string; type: 'A'; address: string }
  | { name: string; type: 'PTR'; target: string }
  | { name: string; type: 'SRV'; priority: number; weight: number; port: number; target: string };

export interface ClusterDns {
  /** The kube-dns ClusterIP every ClusterFirst pod's resolv.conf names. */
  serviceIp: string;
  domain: string;
  /** Every record served, in a stable order. */
  records: DnsRecord[];
  /** dnsmasq's configuration file serving `records`. */
  dnsmasqConf: string;
  /** The Corefile kubeadm gives a cluster with this domain (shown to the learner). */
  corefile: string;
}

const dashed = (ip: string) => ip.replaceAll('.', '-');
const reverseName = (ip: string) => `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
const reversedAddress = (ptrName: string) => ptrName.split('.').slice(0, 4).reverse().join('.');
const hexAddress = (ip: string) =>
  ip
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .join('');

function serviceRecords(svc: ResolvedService, domain: string): DnsRecord[] {
  const name = `${svc.name}.${svc.namespace}.svc.${domain}`;
  const records: DnsRecord[] = [];
  const endpointIps = [...new Set(svc.ports.flatMap((p) => p.endpoints.map((e) => e.ip)))];
  if (svc.clusterIP) {
    records.push({ name, type: 'A', address: svc.clusterIP }, { name: reverseName(svc.clusterIP), type: 'PTR', target: name });
  } else {
    for (const ip of endpointIps) records.push({ name, type: 'A', address: ip });
  }
  for (const ip of endpointIps) records.push({ name: `${dashed(ip)}.${name}`, type: 'A', address: ip });
  for (const p of svc.ports) {
    if (!p.name) continue;
    const srv = `_${p.name}._${p.protocol.toLowerCase()}.${name}`;
    if (svc.clusterIP) {
      records.push({ name: srv, type: 'SRV', priority: 0, weight: 100, port: p.port, target: name });
    } else {
      const weight = Math.floor(100 / Math.max(1, p.endpoints.length));
      for (const e of p.endpoints) records.push({ name: srv, type: 'SRV', priority: 0, weight, port: e.port, target: `${dashed(e.ip)}.${name}` });
    }
  }
  return records;
}

/** The records CoreDNS would serve for the cluster. */
export function clusterDnsRecords(cluster: ResolvedCluster): DnsRecord[] {
  const domain = cluster.clusterDomain;
  const records = cluster.services.flatMap((s) => serviceRecords(s, domain));
  for (const ns of cluster.namespaces) {
    for (const pod of cluster.pods) records.push({ name: `${dashed(pod.ip)}.${ns}.pod.${domain}`, type: 'A', address: pod.ip });
  }
  return records;
}

const SAFE_NAME = /^[a-z0-9_.-]+$/;

function dnsmasqLine(r: DnsRecord, ptrs: ReadonlySet<string>): string | null {
  if (!SAFE_NAME.test(r.name)) throw new Error(`not a DNS name: ${JSON.stringify(r.name)}`);
  switch (r.type) {
    case 'A':
      // A ClusterIP's A record comes with its PTR: one host-record for both.
      return ptrs.has(`${r.name} ${r.address}`) ? `host-record=${r.name},${r.address}` : `dns-rr=${r.name},1,${hexAddress(r.address)}`;
    case 'PTR':
      return null;
    case 'SRV':
      return `srv-host=${r.name},${r.target},${r.port},${r.priority},${r.weight}`;
  }
}

/** dnsmasq's configuration for the records. */
export function dnsmasqConfig(records: readonly DnsRecord[], domain: string): string {
  const ptrs = new Set(records.flatMap((r) => (r.type === 'PTR' ? [`${r.target} ${reversedAddress(r.name)}`] : [])));
  const lines = [
    '# Podnet Lab: cluster DNS as CoreDNS\'s kubernetes plugin serves it, by dnsmasq.',
    '# Only the records below: no upstream server (lab traffic never leaves the lab).',
    'no-resolv',
    'no-hosts',
    `local=/${domain}/`,
    'bogus-priv',
    `local-ttl=${DNS_TTL}`,
    'port=53',
    ...records.map((r) => dnsmasqLine(r, ptrs)).filter((l): l is string => l !== null),
  ];
  return `${lines.join('\n')}\n`;
}

/** kubeadm's Corefile (addons/dns/manifests.go) for a cluster domain. */
export function kubeadmCorefile(domain: string): string {
  return `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${domain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success ${domain}
       disable denial ${domain}
    }
    loop
    reload
    loadbalance
}
`;
}

/** The DNS of a cluster with kube-dns; throws if the cluster has none (check `dnsServiceIp` first). */
export function clusterDns(cluster: ResolvedCluster): ClusterDns {
  if (!cluster.dnsServiceIp) throw new Error('the cluster has no DNS service');
  if (!isDomainName(cluster.clusterDomain)) throw new Error(`not a domain: ${cluster.clusterDomain}`);
  const records = clusterDnsRecords(cluster);
  return { serviceIp: cluster.dnsServiceIp, domain: cluster.clusterDomain, records, dnsmasqConf: dnsmasqConfig(records, cluster.clusterDomain), corefile: kubeadmCorefile(cluster.clusterDomain) };
}

/** How the DNS server pod runs dnsmasq: in the foreground (a lab daemon), logging each query to stderr. */
export const dnsmasqArgv = (confPath: string): string[] => ['dnsmasq', '--keep-in-foreground', `--conf-file=${confPath}`, '--log-facility=-', '--log-queries'];

const MAX_SEARCH_PATHS = 32;

/**
 * A ClusterFirst pod's /etc/resolv.conf as kubelet builds it (pkg/kubelet/network/dns/dns.go)
 * and containerd writes it: search <ns>.svc.<domain> svc.<domain> <domain> plus the
 * node's own search domains (duplicates dropped, at most 32), the kube-dns
 * ClusterIP, ndots:5. (The DNS server pod itself has dnsPolicy Default: the node's file.)
 */
export function podResolvConf(namespace: string, dnsServiceIp: string, domain: string, hostSearch: readonly string[] = []): string {
  const search = [...new Set([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...hostSearch])].slice(0, MAX_SEARCH_PATHS);
  return `search ${search.join(' ')}\nnameserver ${dnsServiceIp}\noptions ndots:5\n`;
}
