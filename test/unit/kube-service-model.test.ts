import { describe, expect, it } from 'vitest';
import { contains } from '../../src/engine/ipam/cidr';
import { allocateNodePorts, allocateServiceIps, kubeDnsServiceIp, kubernetesServiceIp } from '../../src/engine/ipam/service-ips';
import { resolveCluster } from '../../src/engine/kube/service-model';
import type { KubeClusterInput, KubePodInput, KubeServiceInput } from '../../src/engine/kube/service-types';
import { hashAndTruncate, iptablesChainNames, nftServiceChainBase, portProtoHash, servicePortName } from '../../src/engine/plan/kube-proxy-names';
import { base32 } from '../../src/engine/util/base32';
import { CLUSTER_CIDR, EMPTY, PODS, STICKY, WEB, WEB_LOCAL } from '../helpers/kube-cluster';

const input = (services: KubeServiceInput[], extra: Partial<KubeClusterInput> = {}): KubeClusterInput => ({ clusterCidr: CLUSTER_CIDR, pods: PODS, services, ...extra });
const errors = (extra: Partial<KubeClusterInput>, services: KubeServiceInput[] = []) => resolveCluster(input(services, extra)).issues.filter((i) => i.severity === 'error');
const messages = (services: KubeServiceInput[], extra: Partial<KubeClusterInput> = {}) => resolveCluster(input(services, extra)).issues.map((i) => `${i.severity}: ${i.path.join('.')}: ${i.message}`);

describe('kube-proxy chain names', () => {
  it('base32 is RFC 4648 (Go StdEncoding) without padding', () => {
    expect(base32(new TextEncoder().encode('foobar'))).toBe('MZXW6YTBOI======');
    expect(base32(new TextEncoder().encode('f'))).toBe('MY======');
  });

  it('hashes the ServicePortName plus the lowercase protocol (the documented check values)', () => {
    expect(portProtoHash(servicePortName('default', 'web', 'http'), 'tcp')).toBe('CDGGSHYLG3RE2FKL');
    expect(portProtoHash(servicePortName('kube-system', 'kube-dns', 'dns'), 'UDP')).toBe('TCOU7JCQXEZGVUNU');
    expect(portProtoHash(servicePortName('default', 'kubernetes', 'https'), 'tcp')).toBe('NPX46M4PTMTKRN6Y');
    expect(servicePortName('default', 'sticky', '')).toBe('default/sticky');
  });

  it('names endpoint chains with ip:port appended', () => {
    expect(iptablesChainNames.sep('default/web:http', 'tcp', '10.244.1.5:8080')).toBe('KUBE-SEP-AFGSLHOD2HFNCBX4');
    expect(iptablesChainNames.svl('default/web-local:http', 'tcp')).toBe('KUBE-SVL-V7ZMVOA2AOW6ATRL');
  });

  it('nftables: hashAndTruncate(ns/name/proto/port), cut to 240 characters', () => {
    expect(nftServiceChainBase('ns1', 'svc1', 'tcp', 'p80')).toBe('ULMVA6XW-ns1/svc1/tcp/p80');
    const long = hashAndTruncate('x'.repeat(300));
    expect(long).toHaveLength(240);
    expect(long.endsWith('...')).toBe(true);
  });
});

describe('service IPs and NodePorts', () => {
  it('kubernetes.default is the first address, kube-dns the tenth', () => {
    expect(kubernetesServiceIp('10.96.0.0/12')).toBe('10.96.0.1');
    expect(kubeDnsServiceIp('10.96.0.0/12')).toBe('10.96.0.10');
  });

  it('allocates from the upper band, stably: the same key gets the same address whatever else is there', () => {
    const a = allocateServiceIps('10.96.0.0/12', [{ key: 'default/web' }, { key: 'default/api' }]);
    const b = allocateServiceIps('10.96.0.0/12', [{ key: 'shop/x' }, { key: 'default/web' }]);
    expect(a.get('default/web')).toBe(b.get('default/web'));
    expect(a.get('default/web')).not.toBe(a.get('default/api'));
    for (const ip of a.values()) expect(contains('10.96.0.0/12', ip!) && !contains('10.96.0.0/24', ip!)).toBe(true);
    const small = allocateServiceIps('10.96.0.0/28', [{ key: 'a' }, { key: 'b' }], ['10.96.0.1', '10.96.0.10']);
    for (const ip of small.values()) expect(['10.96.0.0', '10.96.0.1', '10.96.0.10', '10.96.0.15']).not.toContain(ip);
  });

  it('probes past taken addresses and says when the range is full', () => {
    const tiny = allocateServiceIps('10.96.0.0/30', [{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
    expect([...tiny.values()].filter((v) => v !== null).sort()).toEqual(['10.96.0.1', '10.96.0.2']);
    expect([...tiny.values()].filter((v) => v === null)).toHaveLength(1);
  });

  it('NodePorts come from the dynamic band 30086–32767 and keep fixed ones', () => {
    const ports = allocateNodePorts([{ key: 'a' }, { key: 'b', fixed: 30080 }, { key: 'c' }]);
    expect(ports.get('b')).toBe(30080);
    for (const k of ['a', 'c']) {
      expect(ports.get(k)).toBeGreaterThanOrEqual(30086);
      expect(ports.get(k)).toBeLessThanOrEqual(32767);
    }
    expect(ports.get('a')).not.toBe(ports.get('c'));
  });
});

describe('the resolved service model', () => {
  it('adds kubernetes (with the apiserver endpoint) and kube-dns, sorted by namespace/name', () => {
    const { cluster, issues } = resolveCluster(input([WEB], { apiServer: { ip: '192.168.56.11', port: 6443, node: 'node1' }, pods: [...PODS, { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.244.2.2', node: 'node2', serve: 53 }] }));
    expect(issues).toEqual([]);
    expect(cluster.services.map((s) => `${s.namespace}/${s.name} ${s.clusterIP}`)).toEqual(['default/kubernetes 10.96.0.1', 'default/web 10.96.100.10', 'kube-system/kube-dns 10.96.0.10']);
    const dns = cluster.services.find((s) => s.name === 'kube-dns')!;
    expect(dns.ports.map((p) => `${p.name} ${p.port}/${p.protocol}`)).toEqual(['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
    expect(dns.ports[0]!.endpoints).toEqual([{ ip: '10.244.2.2', port: 53, node: 'node2', pod: 'kube-system/coredns' }]);
    expect(cluster.services[0]!.ports[0]!.endpoints).toEqual([{ ip: '192.168.56.11', port: 6443, node: 'node1', pod: null }]);
    expect(cluster.dnsServiceIp).toBe('10.96.0.10');
    expect(cluster.namespaces).toEqual(['default', 'kube-system']);
  });

  it('selects ready pods of the namespace by all labels and sorts endpoints by the ip:port string', () => {
    const pods: KubePodInput[] = [
      { name: 'a', labels: { app: 'web', tier: 'x' }, ip: '10.244.10.2', node: 'node3', serve: 8080 },
      { name: 'b', labels: { app: 'web', tier: 'x' }, ip: '10.244.2.9', node: 'node2', serve: 8080 },
      { name: 'c', labels: { app: 'web', tier: 'x' }, ip: '10.244.1.20', node: 'node1', serve: 8080, ready: false },
      { name: 'd', labels: { app: 'web' }, ip: '10.244.1.21', node: 'node1', serve: 8080 },
      { name: 'e', namespace: 'shop', labels: { app: 'web', tier: 'x' }, ip: '10.244.1.22', node: 'node1', serve: 8080 },
    ];
    const { cluster } = resolveCluster(input([{ ...WEB, selector: { app: 'web', tier: 'x' } }], { pods, dns: false }));
    // "10.244.10.2:8080" < "10.244.2.9:8080" as strings, as kube-proxy compares them
    expect(cluster.services[0]!.ports[0]!.endpoints.map((e) => e.ip)).toEqual(['10.244.10.2', '10.244.2.9']);
    expect(cluster.namespaces).toEqual(['default', 'kube-system', 'shop']);
  });

  it('gives defaults: ClusterIP, TCP, targetPort = port, Cluster, None with 10800 s', () => {
    const { cluster } = resolveCluster(input([{ name: 'plain', selector: { app: 'web' }, ports: [{ port: 8080 }] }], { dns: false }));
    const s = cluster.services[0]!;
    expect(s).toMatchObject({ type: 'ClusterIP', externalTrafficPolicy: 'Cluster', sessionAffinity: 'None', sessionAffinityTimeoutSeconds: 10800, origin: 'lab' });
    expect(s.ports[0]).toMatchObject({ name: '', port: 8080, targetPort: 8080, protocol: 'TCP', nodePort: null });
    expect(s.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
  });

  it('allocates a NodePort when a NodePort service has none, and none for a headless one or its ClusterIP', () => {
    const { cluster } = resolveCluster(input([{ name: 'np', type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }, { name: 'hl', type: 'headless', selector: { app: 'web' }, ports: [{ port: 8080 }] }], { dns: false }));
    expect(cluster.services.find((s) => s.name === 'np')!.ports[0]!.nodePort).toBeGreaterThanOrEqual(30086);
    const hl = cluster.services.find((s) => s.name === 'hl')!;
    expect(hl.clusterIP).toBeNull();
    expect(hl.ports[0]!.endpoints).toHaveLength(3);
  });

  it('the example services resolve without errors; the empty selector is a warning', () => {
    expect(messages([WEB, WEB_LOCAL, STICKY, EMPTY], { dns: false })).toEqual(['warning: services.3.selector: the selector of service default/empty picks no pod in namespace default']);
  });
});

describe('what the model refuses (errors) and warns about', () => {
  it('a clusterIP outside the service CIDR, its network address, or taken twice', () => {
    expect(messages([{ ...WEB, clusterIP: '10.95.0.5' }], { dns: false })).toEqual(['error: services.0.clusterIP: clusterIP 10.95.0.5 is outside the service CIDR 10.96.0.0/12']);
    expect(messages([{ ...WEB, clusterIP: '10.96.0.0' }], { dns: false })[0]).toContain('is the network address of 10.96.0.0/12');
    expect(messages([WEB, { ...STICKY, clusterIP: WEB.clusterIP }], { dns: false })).toEqual(['error: services.1.clusterIP: clusterIP 10.96.100.10 is already taken by default/web']);
    expect(messages([{ ...WEB, clusterIP: '10.96.0.10' }])).toContain('error: services.0.clusterIP: clusterIP 10.96.0.10 is already taken by kube-system/kube-dns');
    expect(messages([{ ...WEB, clusterIP: '10.96.0.1' }], { dns: false })).toContain('error: services.0.clusterIP: clusterIP 10.96.0.1 is already taken by default/kubernetes');
  });

  it('a nodePort outside 30000–32767, taken twice, or on a ClusterIP service', () => {
    expect(messages([{ ...WEB, ports: [{ ...WEB.ports[0]!, nodePort: 8080 }] }], { dns: false })).toEqual(['error: services.0.ports.0.nodePort: nodePort 8080 is outside the NodePort range 30000-32767']);
    expect(messages([WEB, { ...WEB_LOCAL, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }] }], { dns: false })).toEqual(['error: services.1.ports.0.nodePort: nodePort 30080 is already taken by default/web']);
    expect(messages([{ ...STICKY, ports: [{ port: 80, nodePort: 30090 }] }], { dns: false })).toEqual(['error: services.0.ports.0.nodePort: nodePort needs type: NodePort (service sticky is ClusterIP)']);
  });

  it('a service CIDR overlapping the cluster or the underlay, too large, or not a CIDR', () => {
    expect(errors({ serviceCidr: '10.244.0.0/12' })[0]!.message).toMatch(/has host bits set|overlaps the cluster CIDR/);
    expect(errors({ serviceCidr: '10.240.0.0/12' }).map((e) => e.message)).toEqual(['the service CIDR 10.240.0.0/12 overlaps the cluster CIDR 10.244.0.0/16']);
    expect(errors({ otherNetworks: [{ cidr: '10.96.5.0/24', what: 'the underlay' }] }).map((e) => e.message)).toEqual(['the service CIDR 10.96.0.0/12 overlaps the underlay 10.96.5.0/24']);
    expect(errors({ serviceCidr: '10.0.0.0/8' }).map((e) => e.message)).toContain('the service CIDR 10.0.0.0/8 is too large');
    expect(errors({ serviceCidr: 'ten' })[0]).toMatchObject({ path: ['kubernetes', 'serviceCidr'] });
  });

  it('names, ports and policies a real apiserver refuses', () => {
    const bad: KubeServiceInput[] = [
      { name: 'Web', selector: { app: 'web' }, ports: [{ port: 80 }] },
      { name: 'two', selector: { app: 'web' }, ports: [{ port: 80 }, { port: 81 }] },
      { name: 'local', externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ port: 80 }] },
      { name: 'hl', type: 'headless', clusterIP: '10.96.1.1', selector: { app: 'web' }, ports: [{ port: 80 }] },
      { name: 'sctp', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'SCTP' as never }] },
      { name: 'port', selector: { app: 'web' }, ports: [{ port: 70000 }] },
      { name: 'aff', selector: { app: 'web' }, sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 0, ports: [{ port: 80 }] },
      { name: 'ns', namespace: 'Shop', selector: { app: 'web' }, ports: [{ port: 80 }] },
    ];
    const found = resolveCluster(input(bad, { dns: false }))
      .issues.filter((i) => i.severity === 'error')
      .map((i) => i.message);
    expect(found).toEqual([
      '"Web" is not a valid service name',
      'port 1 of service two has no name',
      'port 2 of service two has no name',
      'externalTrafficPolicy: Local needs type: NodePort (service local is ClusterIP)',
      'a headless service has no cluster IP (service hl sets 10.96.1.1)',
      'protocol SCTP is not supported',
      'port 70000 is not a port number',
      'timeoutSeconds 0 is outside 1–86400',
      '"Shop" is not a valid namespace name',
    ]);
  });

  it('a service declared twice, or named like one of the cluster’s own', () => {
    expect(messages([WEB, WEB], { dns: false })).toContain('error: services.1.name: service default/web is declared twice');
    expect(messages([{ ...STICKY, name: 'kube-dns', namespace: 'kube-system', clusterIP: undefined }])).toContain("error: services.0.name: service kube-system/kube-dns is one of the cluster's own Services");
  });

  it('warns when a selected pod serves another port than targetPort', () => {
    expect(messages([{ ...WEB, ports: [{ name: 'http', port: 80, nodePort: 30080 }] }], { dns: false })).toContain(
      'warning: services.0.ports.0.targetPort: pod default/web-1 serves 8080, but service default/web sends to port 80',
    );
  });
});
