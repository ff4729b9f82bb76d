import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolvePolicy, type KubeCluster } from '../../src/engine/kube/network-policy';
import { parseIptablesSave } from '../../src/engine/observe/parse-iptables-save';
import {
  egressPeerBlockSet,
  ingressPeerBlockSet,
  ingressPeerPodSet,
  podFirewallChain,
  policyChain,
  policyDestinationSet,
  policySourceSet,
  syncVersionFor,
  tmpSetName,
  withRuleUuid,
} from '../../src/engine/plan/kube-router-names';
import {
  iptablesRestoreInstall,
  iptablesRestoreResync,
  iptablesRestoreTeardown,
  ipsetRestore,
  kubeRouterInstallSteps,
  kubeRouterTeardownSteps,
  renderKubeRouterNode,
  staleIpsets,
  type KubeRouterNodeRules,
} from '../../src/engine/plan/kube-router-netpol';
import { base32 } from '../../src/engine/util/base32';
import { kubePod as pod, WEB_FROM_CLIENT } from '../helpers/netpol';

const web = pod('web', '10.244.1.2', { app: 'web' });
const client = pod('client', '10.244.1.3', { role: 'client' });
const remote = pod('rclient', '10.244.2.2', { role: 'client' }, 'node2');
const cart = pod('cart', '10.244.2.7', { app: 'cart' }, 'node2', 'shop');

const VERSION = syncVersionFor('lab-a');
const cluster = (...policies: object[]): KubeCluster => ({ namespaces: [{ name: 'shop', labels: { team: 'shop' } }], pods: [web, client, remote, cart], policies: policies.map(resolvePolicy) });
const node1 = (c: KubeCluster) => renderKubeRouterNode(c, 'node1', { syncVersion: VERSION });
const lines = (r: KubeRouterNodeRules) => r.rules.map((x) => x.join(' '));
const chainRules = (r: KubeRouterNodeRules, chain: string) => r.rules.filter((x) => x[1] === chain).map((x) => x.slice(2).join(' '));

describe('kube-router names (v2.11.1)', () => {
  it('base32 is RFC 4648 / Go\'s StdEncoding', () => {
    const enc = (s: string) => base32(new TextEncoder().encode(s));
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map(enc)).toEqual(['', 'MY======', 'MZXQ====', 'MZXW6===', 'MZXW6YQ=', 'MZXW6YTB', 'MZXW6YTBOI======']);
  });

  it('the top-level jumps carry the UUIDs a real node shows (iptables-save of a kube-router node: "kube-router netpol - 4IA2OSFRMVNDXBVV")', () => {
    expect(node1(cluster()).jumps.map((j) => j.join(' '))).toEqual([
      '-I INPUT 1 -m comment --comment kube-router netpol - 4IA2OSFRMVNDXBVV -j KUBE-ROUTER-INPUT',
      '-I FORWARD 1 -m comment --comment kube-router netpol - TEMCG2JMHZYE7H7T -j KUBE-ROUTER-FORWARD',
      '-I OUTPUT 1 -m comment --comment kube-router netpol - VEAAIY32XVBHCSCY -j KUBE-ROUTER-OUTPUT',
    ]);
    expect(() => withRuleUuid('INPUT', ['-j', 'ACCEPT'])).toThrow(/no comment/);
  });

  it('the sync version is fixed per lab: chain names follow it, ipset names do not', () => {
    expect(syncVersionFor('lab-a')).toBe(VERSION);
    expect(syncVersionFor('lab-a')).toMatch(/^\d+$/);
    expect(syncVersionFor('lab-b')).not.toBe(VERSION);
    expect(podFirewallChain('default', 'web', VERSION)).toMatch(/^KUBE-POD-FW-[A-Z2-7]{16}$/);
    expect(podFirewallChain('default', 'web', VERSION)).not.toBe(podFirewallChain('default', 'web', syncVersionFor('lab-b')));
    expect(policyChain('default', 'p', VERSION)).not.toBe(policyChain('default', 'p', syncVersionFor('lab-b')));
    expect(policyDestinationSet('default', 'p')).toMatch(/^KUBE-DST-[A-Z2-7]{16}$/);
    expect(policySourceSet('default', 'p')).toMatch(/^KUBE-SRC-[A-Z2-7]{16}$/);
    expect(ingressPeerPodSet('default', 'p', 0)).not.toBe(ingressPeerPodSet('default', 'p', 1));
    expect(ingressPeerBlockSet('default', 'p', 0)).not.toBe(ingressPeerPodSet('default', 'p', 0));
    expect(egressPeerBlockSet('default', 'p', 0)).toMatch(/^KUBE-DST-/);
    expect(tmpSetName('hash:ip timeout 0')).toMatch(/^TMP-[A-Z2-7]{16}$/);
  });
});

describe('kube-router rules for one node', () => {
  it('the issue\'s policy on node1: the whole restore input and ipset input', async () => {
    const r = node1(cluster(WEB_FROM_CLIENT));
    await expect(`${iptablesRestoreInstall(r)}\n${ipsetRestore(r.ipsets)}`).toMatchFileSnapshot('__snapshots__/kube-router-netpol-node1.txt');
  });

  it('KUBE-ROUTER-INPUT returns the service CIDR and LOCAL NodePorts first; every top-level chain ends with TAIL then the ACCEPT on 0x20000', () => {
    const r = renderKubeRouterNode(cluster(), 'node1', { syncVersion: VERSION, serviceClusterIpRange: '10.43.0.0/16', nodePortRange: '30000:31000' });
    const input = chainRules(r, 'KUBE-ROUTER-INPUT');
    expect(input[0]).toMatch(/^-m comment --comment allow traffic to primary\/secondary cluster IP range - [A-Z2-7]{16} -d 10\.43\.0\.0\/16 -j RETURN$/);
    expect(input.slice(1, 4).map((l) => l.replace(/ - [A-Z2-7]{16}/, ''))).toEqual(
      ['tcp', 'udp', 'sctp'].map((p) => `-p ${p} -m comment --comment allow LOCAL ${p.toUpperCase()} traffic to node ports -m addrtype --dst-type LOCAL -m multiport --dports 30000:31000 -j RETURN`),
    );
    for (const top of ['KUBE-ROUTER-INPUT', 'KUBE-ROUTER-FORWARD', 'KUBE-ROUTER-OUTPUT']) {
      expect(chainRules(r, top).slice(-2)).toEqual([
        '-m comment --comment rule to explicitly handle traffic for network policies ACCEPT/REJECT decision -j KUBE-NWPLCY-TAIL',
        '-m comment --comment rule to explicitly ACCEPT traffic that comply to network policies -m mark --mark 0x20000/0x20000 -j ACCEPT',
      ]);
    }
    expect(chainRules(r, 'KUBE-NWPLCY-TAIL')).toEqual(['-m comment --comment accept netpol-ok -m mark --mark 0x20000/0x20000 -j ACCEPT']);
    expect(chainRules(r, 'KUBE-NWPLCY-DEFAULT')).toEqual(['-j MARK -m comment --comment rule to mark traffic matching a network policy --set-xmark 0x10000/0x10000']);
    expect(chainRules(r, 'KUBE-NWPLCY-COMMON').map((l) => l.replace(/^-m comment --comment [^-]+ /, ''))).toEqual([
      '-m conntrack --ctstate INVALID -j DROP',
      '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-p icmp --icmp-type echo-request -j ACCEPT',
      '-p icmp --icmp-type destination-unreachable -j ACCEPT',
      '-p icmp --icmp-type time-exceeded -j ACCEPT',
    ]);
  });

  it('every local pod gets a chain in the seven steps, steered by its IP (routed and bridged, in and out); other nodes\' pods get none', () => {
    const r = node1(cluster(WEB_FROM_CLIENT));
    const webChain = podFirewallChain('default', 'web', VERSION);
    const clientChain = podFirewallChain('default', 'client', VERSION);
    expect(r.chains).toContain(webChain);
    expect(r.chains).toContain(clientChain);
    expect(r.chains).not.toContain(podFirewallChain('default', 'rclient', VERSION));
    expect(chainRules(r, webChain)).toEqual([
      '-m comment --comment common netpol rules -j KUBE-NWPLCY-COMMON',
      '-m comment --comment from local node -m addrtype --src-type LOCAL -d 10.244.1.2 -j ACCEPT',
      `-d 10.244.1.2 -m comment --comment default/web-from-client policy -j ${policyChain('default', 'web-from-client', VERSION)}`,
      '-s 10.244.1.2 -m comment --comment default egress -j KUBE-NWPLCY-DEFAULT',
      '-m comment --comment default/web log-drop -m mark ! --mark 0x10000/0x10000 -j NFLOG --nflog-group 100 -m limit --limit 10/minute --limit-burst 10',
      '-m comment --comment default/web reject -m mark ! --mark 0x10000/0x10000 -j REJECT',
      '-m comment --comment clear netpol mark -j MARK --set-mark 0/0x10000',
      '-m comment --comment set netpol-ok mark -j MARK --set-mark 0x20000/0x20000',
    ]);
    // a pod no policy selects runs KUBE-NWPLCY-DEFAULT both ways (marked, so never rejected)
    expect(chainRules(r, clientChain).filter((l) => l.includes('KUBE-NWPLCY-DEFAULT'))).toEqual([
      '-s 10.244.1.3 -m comment --comment default egress -j KUBE-NWPLCY-DEFAULT',
      '-d 10.244.1.3 -m comment --comment default ingress -j KUBE-NWPLCY-DEFAULT',
    ]);
    expect(lines(r).filter((l) => l.endsWith(`-j ${webChain}`))).toEqual([
      `-A KUBE-ROUTER-FORWARD -m comment --comment default/web in -d 10.244.1.2 -j ${webChain}`,
      `-A KUBE-ROUTER-OUTPUT -m comment --comment default/web in -d 10.244.1.2 -j ${webChain}`,
      `-A KUBE-ROUTER-FORWARD -m physdev --physdev-is-bridged -m comment --comment default/web in -d 10.244.1.2 -j ${webChain}`,
      `-A KUBE-ROUTER-INPUT -m comment --comment default/web out -s 10.244.1.2 -j ${webChain}`,
      `-A KUBE-ROUTER-FORWARD -m comment --comment default/web out -s 10.244.1.2 -j ${webChain}`,
      `-A KUBE-ROUTER-OUTPUT -m comment --comment default/web out -s 10.244.1.2 -j ${webChain}`,
      `-A KUBE-ROUTER-FORWARD -m physdev --physdev-is-bridged -m comment --comment default/web out -s 10.244.1.2 -j ${webChain}`,
    ]);
  });

  it('a policy naming both types is run without -s/-d; egress-only with -s; the direction a pod has a policy for loses its default', () => {
    const r = node1(cluster({ name: 'both', podSelector: { app: 'web' }, policyTypes: ['Ingress', 'Egress'] }, { name: 'out', podSelector: { role: 'client' }, policyTypes: ['Egress'] }));
    const web = chainRules(r, podFirewallChain('default', 'web', VERSION));
    expect(web).toContain(`-m comment --comment default/both policy -j ${policyChain('default', 'both', VERSION)}`);
    expect(web.some((l) => l.includes('KUBE-NWPLCY-DEFAULT'))).toBe(false);
    const client = chainRules(r, podFirewallChain('default', 'client', VERSION));
    expect(client).toContain(`-s 10.244.1.3 -m comment --comment default/out policy -j ${policyChain('default', 'out', VERSION)}`);
    expect(client.filter((l) => l.includes('KUBE-NWPLCY-DEFAULT'))).toEqual(['-d 10.244.1.3 -m comment --comment default ingress -j KUBE-NWPLCY-DEFAULT']);
  });

  it('policy chains: a MARK and a RETURN per port and peer kind; the target set on the pod\'s side', () => {
    const r = node1(cluster(WEB_FROM_CLIENT));
    const chain = policyChain('default', 'web-from-client', VERSION);
    const dst = policyDestinationSet('default', 'web-from-client');
    const podsSet = ingressPeerPodSet('default', 'web-from-client', 0);
    const blockSet = ingressPeerBlockSet('default', 'web-from-client', 0);
    expect(chainRules(r, chain)).toEqual([
      `-m comment --comment default/web-from-client ingress pods -m set --match-set ${podsSet} src -m set --match-set ${dst} dst -p TCP --dport 8080 -j MARK --set-xmark 0x10000/0x10000`,
      `-m comment --comment default/web-from-client ingress pods -m set --match-set ${podsSet} src -m set --match-set ${dst} dst -p TCP --dport 8080 -m mark --mark 0x10000/0x10000 -j RETURN`,
      `-m comment --comment default/web-from-client ingress cidr -m set --match-set ${blockSet} src -m set --match-set ${dst} dst -p TCP --dport 8080 -j MARK --set-xmark 0x10000/0x10000`,
      `-m comment --comment default/web-from-client ingress cidr -m set --match-set ${blockSet} src -m set --match-set ${dst} dst -p TCP --dport 8080 -m mark --mark 0x10000/0x10000 -j RETURN`,
    ]);
    expect(r.ipsets).toEqual(
      expect.arrayContaining([
        { name: dst, type: 'hash:ip', entries: ['10.244.1.2 timeout 0'] },
        // role=client in default (both nodes) and every pod of a team=shop namespace
        { name: podsSet, type: 'hash:ip', entries: ['10.244.1.3 timeout 0', '10.244.2.2 timeout 0', '10.244.2.7 timeout 0'] },
        { name: blockSet, type: 'hash:net', entries: ['203.0.113.0/24 timeout 0', '203.0.113.128/25 timeout 0 nomatch'] },
      ]),
    );
  });

  it('rules without peers or ports, endPort ranges, a /0 ipBlock, egress', () => {
    const r = node1(
      cluster(
        { name: 'any-8080', podSelector: { app: 'web' }, ingress: [{ ports: [{ port: 8000, endPort: 8080 }, { protocol: 'UDP' }] }] },
        { name: 'all', podSelector: { app: 'web' }, ingress: [{}] },
        { name: 'world', podSelector: { role: 'client' }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ protocol: 'UDP', port: 53 }] }] },
      ),
    );
    const tail = (policy: string) => chainRules(r, policyChain('default', policy, VERSION)).filter((l) => l.endsWith('MARK --set-xmark 0x10000/0x10000'));
    const dst = policyDestinationSet('default', 'any-8080');
    expect(tail('any-8080')).toEqual([
      `-m comment --comment default/any-8080 ingress any -m set --match-set ${dst} dst -p TCP --dport 8000:8080 -j MARK --set-xmark 0x10000/0x10000`,
      `-m comment --comment default/any-8080 ingress any -m set --match-set ${dst} dst -p UDP -j MARK --set-xmark 0x10000/0x10000`,
    ]);
    expect(tail('all')).toEqual([`-m comment --comment default/all ingress any -m set --match-set ${policyDestinationSet('default', 'all')} dst -j MARK --set-xmark 0x10000/0x10000`]);
    const block = egressPeerBlockSet('default', 'world', 0);
    expect(tail('world')).toEqual([
      `-m comment --comment default/world egress cidr -m set --match-set ${policySourceSet('default', 'world')} src -m set --match-set ${block} dst -p UDP --dport 53 -j MARK --set-xmark 0x10000/0x10000`,
    ]);
    expect(r.ipsets.find((s) => s.name === block)!.entries).toEqual(['0.0.0.0/1 timeout 0', '128.0.0.0/1 timeout 0', '10.0.0.0/8 timeout 0 nomatch']);
    // egress-only: only the source-side target set exists
    expect(r.ipsets.map((s) => s.name)).toContain(policySourceSet('default', 'world'));
    expect(r.ipsets.map((s) => s.name)).not.toContain(policyDestinationSet('default', 'world'));
  });

  it('an empty ingress list (deny all) and a peer that selects nobody leave the chain without rules', () => {
    const r = node1(cluster({ name: 'deny', podSelector: { app: 'web' } }, { name: 'nobody', podSelector: { app: 'web' }, ingress: [{ from: [{ podSelector: { role: 'ghost' } }] }] }));
    expect(chainRules(r, policyChain('default', 'deny', VERSION))).toEqual([]);
    expect(chainRules(r, policyChain('default', 'nobody', VERSION))).toEqual([]);
    expect(r.chains).toContain(policyChain('default', 'deny', VERSION));
    expect(r.ipsets.map((s) => s.name).sort()).toEqual([policyDestinationSet('default', 'deny'), policyDestinationSet('default', 'nobody')].sort());
  });

  it('every node holds every policy\'s chain and the same ipsets', () => {
    const c = cluster(WEB_FROM_CLIENT);
    const n2 = renderKubeRouterNode(c, 'node2', { syncVersion: VERSION });
    expect(n2.ipsets).toEqual(node1(c).ipsets);
    expect(n2.chains).toContain(policyChain('default', 'web-from-client', VERSION));
    expect(n2.chains).toContain(podFirewallChain('default', 'rclient', VERSION));
    expect(n2.chains).not.toContain(podFirewallChain('default', 'web', VERSION));
  });
});

describe('restore inputs and steps', () => {
  it('ipset restore: each set filled through a TMP- set of its type and swapped in, the TMP- sets destroyed at the end', () => {
    const text = ipsetRestore([
      { name: 'KUBE-DST-A', type: 'hash:ip', entries: ['10.0.0.1 timeout 0'] },
      { name: 'KUBE-SRC-B', type: 'hash:net', entries: ['10.0.0.0/8 timeout 0', '10.1.0.0/16 timeout 0 nomatch'] },
      { name: 'KUBE-SRC-C', type: 'hash:ip', entries: [] },
    ]);
    const ip = tmpSetName('hash:ip timeout 0');
    const net = tmpSetName('hash:net timeout 0');
    expect(text.split('\n')).toEqual([
      `create ${ip} hash:ip timeout 0`,
      `flush ${ip}`,
      `add ${ip} 10.0.0.1 timeout 0`,
      'create KUBE-DST-A hash:ip timeout 0',
      `swap ${ip} KUBE-DST-A`,
      `flush ${ip}`,
      `create ${net} hash:net timeout 0`,
      `flush ${net}`,
      `add ${net} 10.0.0.0/8 timeout 0`,
      `add ${net} 10.1.0.0/16 timeout 0 nomatch`,
      'create KUBE-SRC-B hash:net timeout 0',
      `swap ${net} KUBE-SRC-B`,
      `flush ${net}`,
      'create KUBE-SRC-C hash:ip timeout 0',
      `swap ${ip} KUBE-SRC-C`,
      `flush ${ip}`,
      ...[ip, net].sort().map((t) => `destroy ${t}`),
      '',
    ]);
  });

  it('a resync rewrites every chain without touching the jumps and deletes the chains and sets that are gone', () => {
    const prev = node1(cluster(WEB_FROM_CLIENT));
    const next = renderKubeRouterNode({ ...cluster({ name: 'deny', podSelector: { app: 'web' } }), pods: [web, remote, cart] }, 'node1', { syncVersion: VERSION });
    const text = iptablesRestoreResync(prev, next);
    expect(text).not.toMatch(/-I (INPUT|FORWARD|OUTPUT)/);
    const gonePolicy = policyChain('default', 'web-from-client', VERSION);
    const gonePod = podFirewallChain('default', 'client', VERSION);
    expect(text).toContain(`-F ${gonePolicy}\n`);
    expect(text).toContain(`-X ${gonePod}\n`);
    expect(text.indexOf(`-X ${gonePolicy}`)).toBeGreaterThan(text.lastIndexOf('-A '));
    expect(text).toContain(`:${policyChain('default', 'deny', VERSION)} - [0:0]`);
    expect(staleIpsets(prev, next)).toEqual(prev.ipsets.map((s) => s.name).filter((n) => n !== policyDestinationSet('default', 'deny')));
  });

  it('the teardown deletes the jumps, flushes then deletes every chain, and destroys every set', () => {
    const r = node1(cluster(WEB_FROM_CLIENT));
    const text = iptablesRestoreTeardown(r);
    expect(text).toContain('-D INPUT -m comment --comment "kube-router netpol - 4IA2OSFRMVNDXBVV" -j KUBE-ROUTER-INPUT\n');
    for (const c of r.chains) expect(text.indexOf(`-X ${c}\n`)).toBeGreaterThan(text.indexOf(`-F ${c}\n`));
    const steps = kubeRouterTeardownSteps(r, '/etc/podnet/kube-router');
    expect(steps.map((s) => (s.kind === 'cmd' ? s.argv.join(' ') : `file ${s.kind === 'file' ? s.path : ''}`))).toEqual([
      'file /etc/podnet/kube-router/filter.rules',
      'iptables-restore -w 5 --noflush /etc/podnet/kube-router/filter.rules',
      'file /etc/podnet/kube-router/ipset.destroy',
      'ipset restore -file /etc/podnet/kube-router/ipset.destroy',
    ]);
    expect((steps[2] as { content: string }).content.split('\n').filter(Boolean)).toEqual(r.ipsets.map((s) => `destroy ${s.name}`));
  });

  it('install steps: the sets before the rules', () => {
    const steps = kubeRouterInstallSteps(node1(cluster(WEB_FROM_CLIENT)), '/etc/podnet/kube-router');
    expect(steps.filter((s) => s.kind === 'cmd').map((s) => (s as { argv: string[] }).argv.join(' '))).toEqual([
      'ipset restore -exist -file /etc/podnet/kube-router/ipset.restore',
      'iptables-restore -w 5 --noflush /etc/podnet/kube-router/filter.rules',
    ]);
  });

  it('what the kernel printed back (captured from podnet/node:2) has exactly the rendered chains, rule for rule', () => {
    const c: KubeCluster = {
      namespaces: [{ name: 'shop', labels: { team: 'shop' } }],
      pods: [web, client, pod('coredns', '10.244.1.5', { 'k8s-app': 'kube-dns' }, 'node1', 'kube-system'), remote, cart],
      policies: [
        WEB_FROM_CLIENT,
        { name: 'client-egress', podSelector: { role: 'client' }, policyTypes: ['Egress'] },
        { name: 'allow-dns', podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { 'kubernetes.io/metadata.name': 'kube-system' }, podSelector: { 'k8s-app': 'kube-dns' } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] },
        { name: 'web-open', podSelector: { app: 'web' }, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ protocol: 'TCP', port: 9090 }] }], egress: [{}] },
      ].map(resolvePolicy),
    };
    const r = renderKubeRouterNode(c, 'node1', { syncVersion: syncVersionFor('netpol-fixture') });
    const saved = parseIptablesSave(readFileSync(new URL('../fixtures/kube-router-netpol.iptables-save.txt', import.meta.url), 'utf8')).filter;
    const savedChains = saved.filter((l) => l.startsWith(':') && !/^:(INPUT|FORWARD|OUTPUT) /.test(l)).map((l) => l.slice(1, l.indexOf(' ')));
    expect(savedChains.sort()).toEqual([...r.chains].sort());
    const count = (xs: string[][]) => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x[1]!]: (m[x[1]!] ?? 0) + 1 }), {});
    expect(count(saved.filter((l) => l.startsWith('-A ')).map((l) => l.split(' ')))).toEqual(count([...r.rules, ...r.jumps.map((j) => ['-A', j[1]!])]));
  });
});
