import { describe, expect, it } from 'vitest';
import { kubeProxyIptables, savedProbability } from '../../src/engine/plan/kube-proxy-iptables';
import { restoreInput, saveString, saveView } from '../../src/engine/plan/iptables-text';
import { resolveCluster } from '../../src/engine/kube/service-model';
import { CLUSTER_CIDR, COREDNS, EMPTY, PODS, STICKY, WEB, WEB_LOCAL, exampleCluster, tableBlock } from '../helpers/kube-cluster';

// docs/networking.md, "kube-proxy, iptables mode": printed by iptables 1.8.9
// after loading the rules (built-in chain policy lines left out).
const WEB_NAT = `*nat
:KUBE-EXT-CDGGSHYLG3RE2FKL - [0:0]
:KUBE-KUBELET-CANARY - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-PROXY-CANARY - [0:0]
:KUBE-SEP-3OLK2YUW6LHBC4UX - [0:0]
:KUBE-SEP-AFGSLHOD2HFNCBX4 - [0:0]
:KUBE-SEP-DY76ZDMWORDP4GAT - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-CDGGSHYLG3RE2FKL - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-EXT-CDGGSHYLG3RE2FKL -m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-CDGGSHYLG3RE2FKL -j KUBE-SVC-CDGGSHYLG3RE2FKL
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j KUBE-EXT-CDGGSHYLG3RE2FKL
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-3OLK2YUW6LHBC4UX -s 10.244.2.6/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-3OLK2YUW6LHBC4UX -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.2.6:8080
-A KUBE-SEP-AFGSLHOD2HFNCBX4 -s 10.244.1.5/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-AFGSLHOD2HFNCBX4 -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.1.5:8080
-A KUBE-SEP-DY76ZDMWORDP4GAT -s 10.244.3.7/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-DY76ZDMWORDP4GAT -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.3.7:8080
-A KUBE-SERVICES -d 10.96.100.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-CDGGSHYLG3RE2FKL
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-CDGGSHYLG3RE2FKL ! -s 10.244.0.0/16 -d 10.96.100.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-AFGSLHOD2HFNCBX4
-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.2.6:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-3OLK2YUW6LHBC4UX
-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.3.7:8080" -j KUBE-SEP-DY76ZDMWORDP4GAT
COMMIT
`;

// The filter rules of the same document (a fresh node where kube-proxy's nfacct counters exist).
const FILTER_RULES = `-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
`;

const ruleLines = (block: string) =>
  block
    .split('\n')
    .filter((l) => l.startsWith('-A '))
    .join('\n') + '\n';

describe('kube-proxy iptables mode: the documented example', () => {
  it('prints the nat table of a NodePort service with three endpoints line for line', () => {
    const { saved } = kubeProxyIptables(exampleCluster([WEB]), 'node1');
    expect(tableBlock(saved, 'nat')).toBe(WEB_NAT);
  });

  it('prints the filter jumps in the order EnsureRule(Prepend) leaves them, after kubelet’s KUBE-FIREWALL', () => {
    const { saved } = kubeProxyIptables(exampleCluster([WEB]), 'node1', { nfacct: true });
    expect(ruleLines(tableBlock(saved, 'filter'))).toBe(FILTER_RULES);
  });

  it('has the canaries and the hint chain in every table a node has them', () => {
    const { saved } = kubeProxyIptables(exampleCluster([WEB]), 'node1');
    expect(tableBlock(saved, 'mangle')).toBe('*mangle\n:KUBE-IPTABLES-HINT - [0:0]\n:KUBE-KUBELET-CANARY - [0:0]\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n');
    expect(tableBlock(saved, 'filter')).toContain(':KUBE-KUBELET-CANARY - [0:0]\n');
    expect(tableBlock(saved, 'filter')).toContain(':KUBE-PROXY-CANARY - [0:0]\n');
  });
});

describe('kube-proxy iptables mode: policies', () => {
  it('eTP=Local on a node with the endpoint: KUBE-SVL with the local one only, KUBE-SVC with all', () => {
    const nat = tableBlock(kubeProxyIptables(exampleCluster([WEB_LOCAL]), 'node1').saved, 'nat');
    // docs/networking.md, eTP=Local [verified]
    expect(nat).toContain(
      [
        '-A KUBE-EXT-V7ZMVOA2AOW6ATRL -s 10.244.0.0/16 -m comment --comment "pod traffic for default/web-local:http external destinations" -j KUBE-SVC-V7ZMVOA2AOW6ATRL',
        '-A KUBE-EXT-V7ZMVOA2AOW6ATRL -m comment --comment "masquerade LOCAL traffic for default/web-local:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
        '-A KUBE-EXT-V7ZMVOA2AOW6ATRL -m comment --comment "route LOCAL traffic for default/web-local:http external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-V7ZMVOA2AOW6ATRL',
        '-A KUBE-EXT-V7ZMVOA2AOW6ATRL -j KUBE-SVL-V7ZMVOA2AOW6ATRL',
      ].join('\n'),
    );
    expect(nat).toContain('-A KUBE-SVL-V7ZMVOA2AOW6ATRL -m comment --comment "default/web-local:http -> 10.244.1.8:8080" -j KUBE-SEP-3TOCPSWRHNO3NYOA\n');
    expect(nat).toContain('-A KUBE-SVC-V7ZMVOA2AOW6ATRL -m comment --comment "default/web-local:http -> 10.244.1.8:8080" -j KUBE-SEP-3TOCPSWRHNO3NYOA\n');
    expect(tableBlock(kubeProxyIptables(exampleCluster([WEB_LOCAL]), 'node1').saved, 'filter')).not.toContain('has no local endpoints');
  });

  it('eTP=Local on a node without one: no jump to KUBE-SVL, and the NodePort DROPs in KUBE-EXTERNAL-SERVICES', () => {
    const { saved } = kubeProxyIptables(exampleCluster([WEB_LOCAL]), 'node2');
    const nat = tableBlock(saved, 'nat');
    expect(nat).not.toContain('KUBE-SVL-');
    expect(nat).toContain('-A KUBE-EXT-V7ZMVOA2AOW6ATRL -m comment --comment "route LOCAL traffic for default/web-local:http external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-V7ZMVOA2AOW6ATRL\n-A KUBE-MARK-MASQ');
    expect(tableBlock(saved, 'filter')).toContain(
      '-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/web-local:http has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30081 -j DROP\n',
    );
  });

  it('ClientIP: one --rcheck rule per endpoint before the statistic rules, --set in the endpoint chain', () => {
    const nat = tableBlock(kubeProxyIptables(exampleCluster([STICKY]), 'node1').saved, 'nat');
    // docs/networking.md, ClientIP [verified]
    expect(nat).toContain(
      '-A KUBE-SVC-BJWR5DPVIKTHVKZU -m comment --comment "default/sticky -> 10.244.1.10:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-X7KVDNDGP4OT4OZW --mask 255.255.255.255 --rsource -j KUBE-SEP-X7KVDNDGP4OT4OZW\n' +
        '-A KUBE-SVC-BJWR5DPVIKTHVKZU -m comment --comment "default/sticky -> 10.244.1.10:80" -j KUBE-SEP-X7KVDNDGP4OT4OZW\n',
    );
    expect(nat).toContain(
      '-A KUBE-SEP-X7KVDNDGP4OT4OZW -p tcp -m comment --comment "default/sticky" -m recent --set --name KUBE-SEP-X7KVDNDGP4OT4OZW --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.244.1.10:80\n',
    );
  });

  it('no endpoints: no nat chain at all, REJECTs in filter for the ClusterIP and the NodePort', () => {
    const { saved } = kubeProxyIptables(exampleCluster([EMPTY]), 'node1');
    expect(tableBlock(saved, 'nat')).not.toMatch(/KUBE-(SVC|EXT|SEP)-/);
    expect(tableBlock(saved, 'nat')).not.toContain('default/empty');
    const filter = tableBlock(saved, 'filter');
    expect(filter).toContain('-A KUBE-SERVICES -d 10.96.100.13/32 -p tcp -m comment --comment "default/empty:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable\n');
    expect(filter).toContain('-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/empty:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30082 -j REJECT --reject-with icmp-port-unreachable\n');
  });

  it('UDP services use the udp match, as kube-dns does', () => {
    const cluster = exampleCluster([{ name: 'dns', namespace: 'default', clusterIP: '10.96.0.53', selector: { app: 'web' }, ports: [{ name: 'dns', port: 53, targetPort: 8080, protocol: 'UDP' }] }]);
    const nat = tableBlock(kubeProxyIptables(cluster, 'node1').saved, 'nat');
    expect(nat).toContain('-A KUBE-SERVICES -d 10.96.0.53/32 -p udp -m comment --comment "default/dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-');
    expect(nat).toMatch(/-p udp -m comment --comment "default\/dns:dns" -m udp -j DNAT --to-destination 10\.244\.1\.5:8080/);
  });
});

describe('kube-proxy iptables mode: the cluster’s own services', () => {
  it('kube-dns and kubernetes get the chains a real cluster has (the documented hashes); a headless service gets none', () => {
    const { cluster, issues } = resolveCluster({
      clusterCidr: CLUSTER_CIDR,
      pods: [...PODS, COREDNS],
      services: [{ name: 'hl', type: 'headless', selector: { app: 'web' }, ports: [{ port: 8080 }] }],
      apiServer: { ip: '192.168.56.11', port: 6443, node: 'node1' },
    });
    expect(issues).toEqual([]);
    const nat = tableBlock(kubeProxyIptables(cluster, 'node1').saved, 'nat');
    expect(nat).toContain('-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU\n');
    expect(nat).toContain('-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y\n');
    expect(nat).toContain('-j DNAT --to-destination 192.168.56.11:6443\n');
    expect(nat).not.toContain('default/hl');
  });
});

describe('kube-proxy iptables mode: options', () => {
  it('--iptables-localhost-nodeports=false excludes 127.0.0.0/8 from the NodePort jump', () => {
    const nat = tableBlock(kubeProxyIptables(exampleCluster([WEB]), 'node1', { localhostNodePorts: false }).saved, 'nat');
    expect(nat).toContain('-A KUBE-SERVICES ! -d 127.0.0.0/8 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n');
  });

  it('nfacct counters add the localhost NodePort rule before the NodePort rule (double space as in real dumps)', () => {
    const nat = tableBlock(kubeProxyIptables(exampleCluster([WEB]), 'node1', { nfacct: true }).saved, 'nat');
    expect(nat).toContain(
      '-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-CDGGSHYLG3RE2FKL\n-A KUBE-NODEPORTS -p tcp',
    );
  });

  it('masqueradeAll drops the ! -s cluster CIDR condition; tcp_be_liberal drops the INVALID rule', () => {
    const { saved } = kubeProxyIptables(exampleCluster([WEB]), 'node1', { masqueradeAll: true, conntrackTcpBeLiberal: true });
    expect(tableBlock(saved, 'nat')).toContain('-A KUBE-SVC-CDGGSHYLG3RE2FKL -d 10.96.100.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ\n');
    expect(tableBlock(saved, 'filter')).not.toContain('INVALID');
  });

  it('a masquerade bit other than 14 changes every mark', () => {
    const { saved } = kubeProxyIptables(exampleCluster([WEB]), 'node1', { masqueradeBit: 15 });
    expect(saved).toContain('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x8000/0x8000\n');
    expect(saved).toContain('-A KUBE-POSTROUTING -j MARK --set-xmark 0x8000/0x0\n');
    expect(saved).not.toContain('0x4000');
  });

  it('host names prefix every chain kubelet and kube-proxy create (shared machines), never a built-in one', () => {
    const { saved } = kubeProxyIptables(exampleCluster([WEB, STICKY]), 'node1', { names: { link: (b) => b, chain: (b) => `PN-${b}` } });
    const chains = [...saved.matchAll(/^:(\S+)/gm)].map((m) => m[1]!);
    expect(chains.every((c) => c.startsWith('PN-KUBE-') && c.length <= 28)).toBe(true);
    expect(saved).toContain('-A PREROUTING -m comment --comment "kubernetes service portals" -j PN-KUBE-SERVICES\n');
    expect(saved).toMatch(/--name PN-KUBE-SEP-X7KVDNDGP4OT4OZW /);
  });

  it('more than 1000 endpoints in all: large-cluster mode drops the per-endpoint comments only', () => {
    const pods = Array.from({ length: 1001 }, (_, i) => ({ name: `p${i}`, labels: { app: 'big' }, ip: `10.244.${1 + Math.floor(i / 250)}.${2 + (i % 250)}`, node: 'node1' }));
    const cluster = exampleCluster([{ name: 'big', clusterIP: '10.96.1.1', selector: { app: 'big' }, ports: [{ port: 80 }] }], { pods });
    const nat = tableBlock(kubeProxyIptables(cluster, 'node1').saved, 'nat');
    expect(nat).toContain('--comment "default/big cluster IP"');
    expect(nat).not.toContain('default/big -> ');
    expect(nat).toMatch(/^-A KUBE-SEP-\S+ -s 10\.244\.1\.2\/32 -j KUBE-MARK-MASQ$/m);
  });
});

describe('the restore input', () => {
  it('inserts the jumps in kubelet’s then kube-proxy’s order with -I, declares and appends the rest', () => {
    const { restore } = kubeProxyIptables(exampleCluster([WEB]), 'node1');
    const filter = tableBlock(restore, 'filter');
    const inserts = filter.split('\n').filter((l) => l.startsWith('-I '));
    expect(inserts[0]).toBe('-I OUTPUT 1 -j KUBE-FIREWALL');
    expect(inserts[1]).toBe('-I INPUT 1 -j KUBE-FIREWALL');
    expect(inserts.at(-1)).toBe('-I FORWARD 1 -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL');
    expect(tableBlock(restore, 'nat')).toContain('-I POSTROUTING 1 -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING\n');
    expect(restore.indexOf('*mangle')).toBeLessThan(restore.indexOf('*filter'));
    expect(restore.indexOf('*filter')).toBeLessThan(restore.indexOf('*nat'));
  });

  it('saveView and restoreInput agree on what is in each chain', () => {
    const { tables } = kubeProxyIptables(exampleCluster(), 'node2');
    const count = (text: string) => text.split('\n').filter((l) => /^-[AI] /.test(l)).length;
    expect(count(saveView(tables))).toBe(count(restoreInput(tables)));
  });
});

describe('probabilities as iptables-save prints them', () => {
  it.each([
    [2, '0.50000000000'],
    [3, '0.33333333349'],
    [4, '0.25000000000'],
    [5, '0.20000000019'],
    [7, '0.14285714272'],
    [10, '0.10000000009'],
  ])('1/%i → %s', (n, printed) => {
    expect(savedProbability(n)).toBe(printed);
  });
});

describe('comment quoting as xtables_save_string does it', () => {
  it.each([
    ['x', 'x'],
    ['a_b-C9', 'a_b-C9'],
    ['default/web:http', '"default/web:http"'],
    ['has "quote"', '"has \\"quote\\""'],
    ["it's", '"it\\\'s"'],
  ])('%s → %s', (text, saved) => {
    expect(saveString(text)).toBe(saved);
  });
});
