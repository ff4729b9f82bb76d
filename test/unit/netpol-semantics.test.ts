import { describe, expect, it } from 'vitest';
import { selectorMatches } from '../../src/engine/kube/label-selector';
import { allowed, evaluate, isolationOf } from '../../src/engine/kube/netpol-evaluate';
import { checkPolicy, clusterProblems, NetworkPolicyError, resolvePolicy, type KubeCluster } from '../../src/engine/kube/network-policy';
import { kubePod, WEB_FROM_CLIENT } from '../helpers/netpol';

const web = kubePod('web', '10.244.1.2', { app: 'web' });
const client = kubePod('client', '10.244.1.3', { role: 'client' });
const other = kubePod('other', '10.244.2.4', { role: 'other' }, 'node2');
const shop = kubePod('cart', '10.244.2.5', { app: 'cart' }, 'node2', 'shop');
const dns = kubePod('coredns', '10.244.1.10', { 'k8s-app': 'kube-dns' }, 'node1', 'kube-system');

function cluster(...policies: unknown[]): KubeCluster {
  return { namespaces: [{ name: 'shop', labels: { team: 'shop' } }], pods: [web, client, other, shop, dns], policies: policies.map(resolvePolicy) };
}

const tcp = (c: KubeCluster, from: string, to: string, port = 8080) => allowed(c, from, to, 'TCP', port).allowed;

describe('NetworkPolicy defaulting and validation (as the API server does)', () => {
  it('policyTypes defaults to Ingress, plus Egress when egress rules are present', () => {
    expect(resolvePolicy({ name: 'a', podSelector: {} }).policyTypes).toEqual(['Ingress']);
    expect(resolvePolicy({ name: 'a', podSelector: {}, egress: [{}] }).policyTypes).toEqual(['Ingress', 'Egress']);
    expect(resolvePolicy({ name: 'a', podSelector: {}, egress: [] }).policyTypes).toEqual(['Ingress']);
    expect(resolvePolicy({ name: 'a', podSelector: {}, policyTypes: ['Egress'] }).policyTypes).toEqual(['Egress']);
  });

  it('namespace defaults to default, protocol to TCP; the shorthand selector is matchLabels', () => {
    const p = resolvePolicy({ name: 'a', podSelector: { app: 'web' }, ingress: [{ ports: [{ port: 80 }] }] });
    expect(p.namespace).toBe('default');
    expect(p.podSelector).toEqual({ matchLabels: { app: 'web' }, matchExpressions: [] });
    expect(p.ingress[0]!.ports).toEqual([{ protocol: 'TCP', port: 80, endPort: null }]);
  });

  it('reads the full selector form with matchExpressions', () => {
    const p = resolvePolicy({ name: 'a', podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'canary', operator: 'DoesNotExist' }] } });
    expect(selectorMatches(p.podSelector, { app: 'web', tier: 'b' })).toBe(true);
    expect(selectorMatches(p.podSelector, { app: 'web', tier: 'c' })).toBe(false);
    expect(selectorMatches(p.podSelector, { app: 'web', tier: 'a', canary: 'yes' })).toBe(false);
  });

  it('names every bad field with its path', () => {
    const { problems } = checkPolicy({
      name: 'Bad_Name',
      podSelector: { app: 3 },
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.1/8', except: ['11.0.0.0/8'] } }, { podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'ICMP' }, { port: 'http' }, { port: 90, endPort: 80 }] }],
      egress: [{ form: [] }],
      policyTypes: ['Inbound'],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'name',
      'podSelector.app',
      'ingress[0].from[0].ipBlock.cidr',
      'ingress[0].from[1]',
      'ingress[0].ports[0].protocol',
      'ingress[0].ports[1].port',
      'ingress[0].ports[2].endPort',
      'egress[0].form',
      'policyTypes',
    ]);
    expect(problems[2]!.message).toMatch(/host bits/);
    expect(problems[5]!.message).toMatch(/named ports/);
    expect(() => resolvePolicy({ name: 'x', podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/8'] } }] }] })).toThrow(NetworkPolicyError);
  });

  it('finds pods that share an address', () => {
    expect(clusterProblems({ namespaces: [], pods: [web, { ...client, ip: web.ip }], policies: [] })).toEqual(['pods default/web and default/client share the address 10.244.1.2']);
  });
});

describe('NetworkPolicy semantics', () => {
  it('no policy: everything is allowed, nothing isolated', () => {
    const c = cluster();
    expect(tcp(c, client.ip, web.ip)).toBe(true);
    expect(allowed(c, client.ip, web.ip, 'TCP', 8080).reason).toBe('TCP port 8080 from default/client to default/web is allowed: no policy isolates either end');
  });

  it('default deny ingress on app=web: an empty ingress list allows nothing', () => {
    const c = cluster({ name: 'deny', podSelector: { app: 'web' }, policyTypes: ['Ingress'] });
    expect(tcp(c, client.ip, web.ip)).toBe(false);
    expect(tcp(c, other.ip, web.ip, 22)).toBe(false);
    expect(allowed(c, client.ip, web.ip, 'TCP', 8080).reason).toBe('TCP port 8080 from default/client to default/web is denied: default/deny isolates default/web for ingress and no ingress rule allows it');
    // only the selected pod is isolated, and only for ingress
    expect(tcp(c, web.ip, client.ip)).toBe(true);
    expect(tcp(c, web.ip, other.ip)).toBe(true);
    expect(isolationOf(c, web)).toEqual({ ingress: ['default/deny'], egress: [] });
    expect(isolationOf(c, client)).toEqual({ ingress: [], egress: [] });
  });

  it('the issue example: role=client, the shop namespace, and the ipBlock minus its except, on TCP 8080 only', () => {
    const c = cluster(WEB_FROM_CLIENT);
    expect(tcp(c, client.ip, web.ip)).toBe(true);
    expect(tcp(c, client.ip, web.ip, 8081)).toBe(false);
    expect(allowed(c, client.ip, web.ip, 'UDP', 8080).allowed).toBe(false);
    expect(tcp(c, other.ip, web.ip)).toBe(false);
    expect(tcp(c, shop.ip, web.ip)).toBe(true);
    expect(tcp(c, '203.0.113.10', web.ip)).toBe(true);
    expect(tcp(c, '203.0.113.200', web.ip)).toBe(false);
    expect(tcp(c, '198.51.100.1', web.ip)).toBe(false);
    const v = allowed(c, shop.ip, web.ip, 'TCP', 8080);
    expect(v.ingress).toEqual({ isolatedBy: ['default/web-from-client'], allowed: true, allowedBy: { policy: 'default/web-from-client', direction: 'ingress', rule: 0 }, exemption: null });
    expect(v.reason).toBe('TCP port 8080 from shop/cart to default/web is allowed: ingress allowed by default/web-from-client ingress[0]');
  });

  it('a podSelector peer means pods of the policy\'s own namespace only', () => {
    const c = cluster({ name: 'p', podSelector: { app: 'web' }, ingress: [{ from: [{ podSelector: {} }] }] });
    expect(tcp(c, client.ip, web.ip)).toBe(true); // default namespace
    expect(tcp(c, shop.ip, web.ip)).toBe(false); // shop namespace
  });

  it('namespaceSelector {} means every namespace; with a podSelector both must match (one peer, AND)', () => {
    const all = cluster({ name: 'p', podSelector: { app: 'web' }, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    expect(tcp(all, shop.ip, web.ip)).toBe(true);
    expect(tcp(all, dns.ip, web.ip)).toBe(true);
    expect(tcp(all, '203.0.113.10', web.ip)).toBe(false);
    const and = cluster({ name: 'p', podSelector: { app: 'web' }, ingress: [{ from: [{ namespaceSelector: { team: 'shop' }, podSelector: { app: 'other' } }] }] });
    expect(tcp(and, shop.ip, web.ip)).toBe(false);
    const or = cluster({ name: 'p', podSelector: { app: 'web' }, ingress: [{ from: [{ namespaceSelector: { team: 'shop' } }, { podSelector: { app: 'other' } }] }] });
    expect(tcp(or, shop.ip, web.ip)).toBe(true);
  });

  it('namespaces are selectable by kubernetes.io/metadata.name', () => {
    const c = cluster({ name: 'p', podSelector: { app: 'web' }, ingress: [{ from: [{ namespaceSelector: { 'kubernetes.io/metadata.name': 'kube-system' } }] }] });
    expect(tcp(c, dns.ip, web.ip)).toBe(true);
    expect(tcp(c, shop.ip, web.ip)).toBe(false);
  });

  it('a rule without from allows every source; a rule without ports every port; {} allows all', () => {
    const portsOnly = cluster({ name: 'p', podSelector: { app: 'web' }, ingress: [{ ports: [{ port: 8080 }] }] });
    expect(tcp(portsOnly, '198.51.100.1', web.ip)).toBe(true);
    expect(tcp(portsOnly, client.ip, web.ip, 9090)).toBe(false);
    const allowAll = cluster({ name: 'p', podSelector: { app: 'web' }, ingress: [{}] });
    expect(tcp(allowAll, '198.51.100.1', web.ip, 1)).toBe(true);
    expect(allowed(allowAll, client.ip, web.ip, 'ICMP', null).allowed).toBe(true);
  });

  it('allowed traffic is the union of every policy that selects the pod', () => {
    const c = cluster(
      { name: 'deny', podSelector: {} },
      { name: 'from-client', podSelector: { app: 'web' }, ingress: [{ from: [{ podSelector: { role: 'client' } }] }] },
      { name: 'from-other', podSelector: { app: 'web' }, ingress: [{ from: [{ podSelector: { role: 'other' } }], ports: [{ port: 22 }] }] },
    );
    expect(tcp(c, client.ip, web.ip)).toBe(true);
    expect(tcp(c, other.ip, web.ip, 22)).toBe(true);
    expect(tcp(c, other.ip, web.ip)).toBe(false);
    expect(allowed(c, other.ip, web.ip, 'TCP', 22).ingress!.isolatedBy).toEqual(['default/deny', 'default/from-client', 'default/from-other']);
    // the empty podSelector isolates every pod of its namespace, and only of its namespace
    expect(tcp(c, web.ip, client.ip)).toBe(false);
    expect(tcp(c, client.ip, shop.ip)).toBe(true);
  });

  it('port ranges with endPort, and a port entry without a port (the whole protocol)', () => {
    const c = cluster({ name: 'p', podSelector: { app: 'web' }, ingress: [{ ports: [{ port: 8000, endPort: 8080 }, { protocol: 'UDP' }] }] });
    expect(tcp(c, client.ip, web.ip, 8000)).toBe(true);
    expect(tcp(c, client.ip, web.ip, 8080)).toBe(true);
    expect(tcp(c, client.ip, web.ip, 8081)).toBe(false);
    expect(allowed(c, client.ip, web.ip, 'UDP', 5353).allowed).toBe(true);
    expect(allowed(c, client.ip, web.ip, 'SCTP', 8000).allowed).toBe(false);
  });

  it('egress isolation without a DNS allowance breaks DNS; allowing UDP 53 to kube-dns restores it', () => {
    const deny = cluster({ name: 'egress-deny', podSelector: { role: 'client' }, policyTypes: ['Egress'] });
    expect(allowed(deny, client.ip, dns.ip, 'UDP', 53).allowed).toBe(false);
    expect(tcp(deny, client.ip, web.ip)).toBe(false);
    expect(isolationOf(deny, client)).toEqual({ ingress: [], egress: ['default/egress-deny'] });
    const dnsAllowed = cluster(
      { name: 'egress-deny', podSelector: { role: 'client' }, policyTypes: ['Egress'] },
      {
        name: 'allow-dns',
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { 'kubernetes.io/metadata.name': 'kube-system' }, podSelector: { 'k8s-app': 'kube-dns' } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
      },
    );
    expect(allowed(dnsAllowed, client.ip, dns.ip, 'UDP', 53).allowed).toBe(true);
    expect(allowed(dnsAllowed, client.ip, dns.ip, 'TCP', 53).allowed).toBe(true);
    expect(tcp(dnsAllowed, client.ip, web.ip)).toBe(false);
    expect(allowed(dnsAllowed, client.ip, web.ip, 'TCP', 8080).reason).toBe(
      'TCP port 8080 from default/client to default/web is denied: default/egress-deny, default/allow-dns isolate default/client for egress and no egress rule allows it',
    );
  });

  it('a connection needs both the source\'s egress and the destination\'s ingress', () => {
    const c = cluster(
      { name: 'web-in', podSelector: { app: 'web' }, ingress: [{ from: [{ podSelector: { role: 'client' } }] }] },
      { name: 'client-out', podSelector: { role: 'client' }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { role: 'other' } }] }] },
    );
    const v = allowed(c, client.ip, web.ip, 'TCP', 8080);
    expect(v.ingress!.allowed).toBe(true);
    expect(v.egress!.allowed).toBe(false);
    expect(v.allowed).toBe(false);
    expect(tcp(c, client.ip, other.ip)).toBe(true);
  });

  it('egress to an ipBlock with except', () => {
    const c = cluster({ name: 'out', podSelector: { role: 'client' }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }] });
    expect(tcp(c, client.ip, '203.0.113.10', 443)).toBe(true);
    expect(tcp(c, client.ip, '203.0.113.200', 443)).toBe(false);
  });

  it('the pod\'s own node may always connect; another node is just an address', () => {
    const c = cluster({ name: 'deny', podSelector: { app: 'web' } });
    const node1 = { kind: 'node' as const, node: 'node1', ip: '198.18.0.11' };
    const node2 = { kind: 'node' as const, node: 'node2', ip: '198.18.0.12' };
    const v = evaluate(c, node1, { kind: 'pod', pod: web }, 'TCP', 8080);
    expect(v.allowed).toBe(true);
    expect(v.ingress!.exemption).toBe('own-node');
    expect(v.reason).toBe("TCP port 8080 from node node1 (198.18.0.11) to default/web is allowed: ingress allowed because it comes from the pod's own node");
    expect(evaluate(c, node2, { kind: 'pod', pod: web }, 'TCP', 8080).allowed).toBe(false);
  });

  it('ICMP: a rule with ports does not match it; kube-router accepts echo-request anyway', () => {
    const c = cluster(WEB_FROM_CLIENT);
    expect(allowed(c, client.ip, web.ip, 'ICMP', null).allowed).toBe(false);
    const kr = allowed(c, client.ip, web.ip, 'ICMP', null, { enforcer: 'kube-router' });
    expect(kr.allowed).toBe(true);
    expect(kr.ingress!.exemption).toBe('kube-router-icmp');
  });

  it('policyTypes decides the directions, whatever rules are written', () => {
    // egress rules are ignored when only Ingress is a policy type; ingress rules when only Egress
    const c = cluster({ name: 'p', podSelector: { app: 'web' }, policyTypes: ['Ingress'], egress: [{ to: [{ podSelector: { role: 'client' } }] }] });
    expect(tcp(c, web.ip, other.ip)).toBe(true);
    expect(tcp(c, client.ip, web.ip)).toBe(false);
    const e = cluster({ name: 'p', podSelector: { app: 'web' }, policyTypes: ['Egress'], ingress: [{}] });
    expect(tcp(e, client.ip, web.ip)).toBe(true);
    expect(tcp(e, web.ip, client.ip)).toBe(false);
  });
});
