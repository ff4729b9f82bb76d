// The three NetworkPolicy pieces agree: kube-router's rules as rendered for each
// node, read back by parse-netpol and judged like the kernel judges them,
// give the same verdict as the Kubernetes-semantics evaluator — for every pair
// of endpoints and every port tried. (The kernel itself is in
// test/integration/netpol-rules.test.ts.)
import { describe, expect, it } from 'vitest';
import { allowed } from '../../src/engine/kube/netpol-evaluate';
import { resolvePolicy, type KubeCluster } from '../../src/engine/kube/network-policy';
import { explainObserved, parseNetpol } from '../../src/engine/observe/parse-netpol';
import { syncVersionFor } from '../../src/engine/plan/kube-router-names';
import { iptablesRestoreInstall, renderKubeRouterNode, type KubeRouterNodeRules } from '../../src/engine/plan/kube-router-netpol';
import { kubePod as pod, WEB_FROM_CLIENT } from '../helpers/netpol';

const PODS = [
  pod('web', '10.244.1.2', { app: 'web' }, 'node1'),
  pod('client', '10.244.1.3', { role: 'client' }, 'node1'),
  pod('web2', '10.244.2.2', { app: 'web' }, 'node2'),
  pod('other', '10.244.2.3', { role: 'other' }, 'node2'),
  pod('cart', '10.244.2.4', { app: 'cart' }, 'node2', 'shop'),
  pod('coredns', '10.244.1.9', { 'k8s-app': 'kube-dns' }, 'node1', 'kube-system'),
];
const OUTSIDE = ['203.0.113.10', '203.0.113.200'];
const PORTS: [string, number][] = [['TCP', 8080], ['TCP', 9090], ['UDP', 53], ['TCP', 53]];

/** The rendered rules as the kernel would print them back (restore input lines; ipsets as `ipset save` does). */
function asSaved(r: KubeRouterNodeRules): { filter: string[]; ipsets: string } {
  const filter = iptablesRestoreInstall(r)
    .split('\n')
    .filter((l) => l.startsWith(':') || l.startsWith('-A ') || l.startsWith('-I '))
    .map((l) => l.replace(/^-I (\S+) 1 /, '-A $1 '));
  const ipsets = r.ipsets.map((s) => [`create ${s.name} ${s.type} family inet`, ...s.entries.map((e) => `add ${s.name} ${e}`)].join('\n')).join('\n');
  return { filter, ipsets };
}

/** The cluster's verdict as its nodes' kube-routers give it: egress on the source's node, ingress on the destination's. */
function kernelVerdicts(c: KubeCluster): (src: string, dst: string, protocol: string, port: number) => boolean {
  const nodes = [...new Set(c.pods.map((p) => p.node))].map((node) => {
    const saved = asSaved(renderKubeRouterNode(c, node, { syncVersion: syncVersionFor('consistency') }));
    return parseNetpol(saved.filter, saved.ipsets);
  });
  return (src, dst, protocol, port) => nodes.every((state) => explainObserved(state, src, dst, protocol.toLowerCase(), port).allowed);
}

const SCENARIOS: Record<string, object[]> = {
  'no policy': [],
  'default deny ingress': [{ name: 'deny', podSelector: {} }],
  'the issue\'s policy': [WEB_FROM_CLIENT],
  'union of policies, ports without peers': [
    { name: 'a', podSelector: { app: 'web' }, ingress: [{ from: [{ podSelector: { role: 'other' } }] }] },
    { name: 'b', podSelector: { app: 'web' }, ingress: [{ ports: [{ port: 9090 }] }] },
  ],
  'egress deny plus DNS': [
    { name: 'egress-deny', podSelector: {}, policyTypes: ['Egress'] },
    { name: 'dns', podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { 'kubernetes.io/metadata.name': 'kube-system' }, podSelector: { 'k8s-app': 'kube-dns' } }], ports: [{ protocol: 'UDP', port: 53 }] }] },
  ],
  'both types, egress to the internet': [
    { name: 'web-both', podSelector: { app: 'web' }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ namespaceSelector: { team: 'shop' } }, { podSelector: { role: 'client' } }], ports: [{ port: 8080 }] }], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }] },
  ],
};

describe('kube-router\'s rules give Kubernetes\' verdicts', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, policies) => {
    const c: KubeCluster = { namespaces: [{ name: 'shop', labels: { team: 'shop' } }], pods: PODS, policies: policies.map(resolvePolicy) };
    const kernel = kernelVerdicts(c);
    const ends = [...PODS.map((p) => p.ip), ...OUTSIDE];
    let compared = 0;
    for (const src of ends)
      for (const dst of ends) {
        if (src === dst || (OUTSIDE.includes(src) && OUTSIDE.includes(dst))) continue;
        for (const [protocol, port] of PORTS) {
          const k8s = allowed(c, src, dst, protocol as 'TCP', port).allowed;
          expect({ src, dst, protocol, port, allowed: kernel(src, dst, protocol, port) }).toEqual({ src, dst, protocol, port, allowed: k8s });
          compared++;
        }
      }
    expect(compared).toBe(((6 + 2) * 7 - 2) * 4);
  });

  it('where kube-router differs: a both-types policy\'s chain runs all its rules, so it opens traffic between the pods it selects', () => {
    const verdicts = (policy: object) => {
      const c: KubeCluster = { namespaces: [], pods: PODS, policies: [resolvePolicy(policy)] };
      return { k8s: allowed(c, '10.244.1.2', '10.244.2.2', 'TCP', 8080).allowed, kernel: kernelVerdicts(c)('10.244.1.2', '10.244.2.2', 'TCP', 8080) };
    };
    // web2's ingress allows nothing, yet its chain runs the egress rule web → app=web
    expect(verdicts({ name: 'p', podSelector: { app: 'web' }, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ podSelector: { app: 'web' } }] }] })).toEqual({ k8s: false, kernel: true });
    // web's egress allows nothing, yet its chain runs the ingress rule app=web ← every pod
    expect(verdicts({ name: 'p', podSelector: { app: 'web' }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }] })).toEqual({ k8s: false, kernel: true });
  });
});
