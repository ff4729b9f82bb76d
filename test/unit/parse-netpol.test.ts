// parse-netpol reads the filter table and ipsets kube-router's rules leave on
// a real kernel: the fixtures are `iptables-save -t filter` and `ipset save` of
// podnet/node:2 after loading plan/kube-router-netpol's output for the cluster
// of kube-router-netpol.test.ts ("what the kernel printed back").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainObserved, iptablesWords, parseIpsetSave, parseNetpol } from '../../src/engine/observe/parse-netpol';
import { parseIptablesSave } from '../../src/engine/observe/parse-iptables-save';
import { policyChain, syncVersionFor } from '../../src/engine/plan/kube-router-names';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const FILTER = parseIptablesSave(fixture('kube-router-netpol.iptables-save.txt')).filter;
const IPSETS = fixture('kube-router-netpol.ipset-save.txt');
const observed = () => parseNetpol(FILTER, IPSETS);

describe('parse-netpol: which pods are isolated and what each policy allows', () => {
  it('splits iptables-save words, quoted comments with escapes included', () => {
    expect(iptablesWords('-A X -m comment --comment "the pod\\\'s \\"local\\" node" -j ACCEPT')).toEqual(['-A', 'X', '-m', 'comment', '--comment', 'the pod\'s "local" node', '-j', 'ACCEPT']);
    expect(iptablesWords('-A X -m comment --comment "" -j A')).toEqual(['-A', 'X', '-m', 'comment', '--comment', '', '-j', 'A']);
  });

  it('reads kube-router\'s ipsets only, with nomatch entries', () => {
    const sets = parseIpsetSave(`${IPSETS}create other hash:ip family inet\nadd other 1.2.3.4\n`);
    expect(sets.map((s) => s.name)).not.toContain('other');
    expect(sets.find((s) => s.type === 'hash:net')!.members).toEqual([
      { value: '203.0.113.0/24', nomatch: false },
      { value: '203.0.113.128/25', nomatch: true },
    ]);
  });

  it('local pods, their isolation per direction and the policy chains they run', () => {
    const s = observed();
    expect(s.enforced).toBe(true);
    expect(s.pods.map((p) => ({ pod: `${p.namespace}/${p.name}`, ip: p.ip, ingress: p.isolatedIngress, egress: p.isolatedEgress, policies: p.policies.map((j) => j.direction) }))).toEqual([
      // web: web-from-client (ingress), allow-dns (egress), web-open (both)
      { pod: 'default/web', ip: '10.244.1.2', ingress: true, egress: true, policies: ['ingress', 'egress', 'both'] },
      // client: client-egress and allow-dns (egress); ingress not isolated
      { pod: 'default/client', ip: '10.244.1.3', ingress: false, egress: true, policies: ['egress', 'egress'] },
      // coredns: no policy selects a kube-system pod
      { pod: 'kube-system/coredns', ip: '10.244.1.5', ingress: false, egress: false, policies: [] },
    ]);
    expect(s.pods[0]!.reject).toBe('-A KUBE-POD-FW-4CB65KYRVBMCGIFC -m comment --comment "default/web reject" -m mark ! --mark 0x10000/0x10000 -j REJECT --reject-with icmp-port-unreachable');
    expect(s.chains).toContain('KUBE-NWPLCY-TAIL');
    expect(s.chains).not.toContain('INPUT');
  });

  it('policies with their allowances: direction, protected pods, peers (pods or CIDRs minus except), protocol and port', () => {
    const s = observed();
    const byName = (name: string) => s.policies.find((p) => p.name === name)!;
    expect(s.policies.map((p) => `${p.namespace}/${p.name}`).sort()).toEqual(['default/allow-dns', 'default/client-egress', 'default/web-from-client', 'default/web-open']);
    const web = byName('web-from-client');
    expect(web.allows.map(({ rule, ...a }) => a)).toEqual([
      { direction: 'ingress', targets: ['10.244.1.2'], peer: { kind: 'pods', set: 'KUBE-SRC-GJN5I34R2TP6AWFB', ips: ['10.244.2.7', '10.244.2.2', '10.244.1.3'] }, protocol: 'tcp', port: '8080' },
      { direction: 'ingress', targets: ['10.244.1.2'], peer: { kind: 'cidrs', set: 'KUBE-SRC-RIVWKM2WJFTJREEB', cidrs: ['203.0.113.0/24'], except: ['203.0.113.128/25'] }, protocol: 'tcp', port: '8080' },
    ]);
    // a deny-all policy: a chain without rules, named by the pod chain's jump
    expect(byName('client-egress').allows).toEqual([]);
    expect(byName('allow-dns').allows.map((a) => [a.direction, a.protocol, a.port, a.peer.kind === 'pods' ? a.peer.ips : null])).toEqual([
      ['egress', 'udp', '53', ['10.244.1.5']],
      ['egress', 'tcp', '53', ['10.244.1.5']],
    ]);
    expect(byName('web-open').allows.map((a) => [a.direction, a.peer.kind, a.protocol, a.port])).toEqual([
      ['ingress', 'any', 'tcp', '9090'],
      ['egress', 'any', null, null],
    ]);
  });

  it('what a learner changes by hand shows: a deleted REJECT ends the isolation, an emptied set drops its peers, a missing set is named', () => {
    const noReject = FILTER.filter((l) => !l.includes('"default/web reject"'));
    expect(parseNetpol(noReject, IPSETS).pods[0]!).toMatchObject({ isolatedIngress: false, isolatedEgress: false, reject: null });
    const emptied = IPSETS.split('\n').filter((l) => !l.startsWith('add KUBE-SRC-GJN5I34R2TP6AWFB')).join('\n');
    expect(parseNetpol(FILTER, emptied).policies.find((p) => p.name === 'web-from-client')!.allows[0]!.peer).toEqual({ kind: 'pods', set: 'KUBE-SRC-GJN5I34R2TP6AWFB', ips: [] });
    const missing = IPSETS.split('\n').filter((l) => !l.includes('KUBE-SRC-RIVWKM2WJFTJREEB')).join('\n');
    expect(parseNetpol(FILTER, missing).policies.find((p) => p.name === 'web-from-client')!.allows[1]!.peer).toEqual({ kind: 'missing-set', set: 'KUBE-SRC-RIVWKM2WJFTJREEB' });
    const noJumps = FILTER.filter((l) => !l.startsWith('-A FORWARD '));
    expect(parseNetpol(noJumps, IPSETS).enforced).toBe(false);
  });

  it('a policy chain nothing on the host names is named from the lab\'s own objects', () => {
    const chain = policyChain('default', 'far-away', syncVersionFor('netpol-fixture'));
    const filter = [...FILTER, `:${chain} -`];
    expect(parseNetpol(filter, IPSETS).policies.find((p) => p.chain === chain)).toEqual({ namespace: null, name: null, chain, allows: [] });
    const named = parseNetpol(filter, IPSETS, { syncVersion: syncVersionFor('netpol-fixture'), policies: [{ namespace: 'default', name: 'far-away' }], pods: [] });
    expect(named.policies.find((p) => p.chain === chain)).toMatchObject({ namespace: 'default', name: 'far-away' });
  });

  it('an empty host: nothing enforced, nothing isolated', () => {
    expect(parseNetpol([':INPUT ACCEPT', ':FORWARD ACCEPT'], '')).toEqual({ enforced: false, pods: [], policies: [], ipsets: [], chains: [] });
  });
});

describe('explainObserved: the rule that lets a connection through, or the REJECT that stops it', () => {
  it('names the allowing policy rule, or the pod chain\'s REJECT', () => {
    const s = observed();
    const ok = explainObserved(s, '10.244.2.2', '10.244.1.2', 'tcp', 8080);
    expect(ok.allowed).toBe(true);
    expect(ok.steps).toEqual([
      { pod: { namespace: 'default', name: 'web', ip: '10.244.1.2', chain: 'KUBE-POD-FW-4CB65KYRVBMCGIFC' }, direction: 'ingress', verdict: 'allowed', policy: { namespace: 'default', name: 'web-from-client', chain: 'KUBE-NWPLCY-W6SJLGSOLZSUUZW3' }, rule: expect.stringContaining('"default/web-from-client ingress pods"') },
    ]);
    const internet = explainObserved(s, '203.0.113.10', '10.244.1.2', 'tcp', 8080);
    expect(internet.steps[0]!.rule).toContain('ingress cidr');
    const except = explainObserved(s, '203.0.113.200', '10.244.1.2', 'tcp', 8080);
    expect(except).toMatchObject({ allowed: false, steps: [{ verdict: 'rejected', rule: expect.stringContaining('"default/web reject"') }] });
    expect(explainObserved(s, '10.244.2.9', '10.244.1.2', 'tcp', 9090).allowed).toBe(true);
    expect(explainObserved(s, '10.244.2.9', '10.244.1.2', 'udp', 8080).allowed).toBe(false);
  });

  it('judges the source pod\'s egress and the destination pod\'s ingress; ICMP echo passes KUBE-NWPLCY-COMMON', () => {
    const s = observed();
    const dns = explainObserved(s, '10.244.1.3', '10.244.1.5', 'udp', 53);
    expect(dns.steps.map((x) => [x.pod.name, x.direction, x.verdict, x.policy?.name ?? null])).toEqual([
      ['client', 'egress', 'allowed', 'allow-dns'],
      ['coredns', 'ingress', 'not-isolated', null],
    ]);
    const curl = explainObserved(s, '10.244.1.3', '10.244.1.2', 'tcp', 8080);
    expect(curl.allowed).toBe(false);
    expect(curl.steps.map((x) => x.verdict)).toEqual(['rejected', 'allowed']);
    expect(explainObserved(s, '10.244.1.3', '10.244.1.2', 'icmp', null).steps.map((x) => x.verdict)).toEqual(['icmp', 'icmp']);
    expect(explainObserved(s, '198.51.100.1', '10.244.2.2', 'tcp', 80)).toEqual({ allowed: true, steps: [] });
  });
});
