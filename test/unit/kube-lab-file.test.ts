// The lab file's Kubernetes fields: defaults, the DNS server pod, every bad
// input the issue lists located at its line and column (exit 2: E_SPEC), and
// a selector that picks no pod as a located warning.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/engine/spec/parse-lab';
import { allocationWarnings } from '../../src/engine/ipam/allocate-lab';
import { allocatedLab } from '../helpers/allocated-lab';
import { diagnosticsOf } from '../helpers/spec-diagnostics';

const LABS = new URL('../../resources/labs/', import.meta.url);

const lab = (...lines: string[]) =>
  [
    'name: k',
    'hosts:',
    '  - name: node1',
    '    pods:',
    '      - { name: web-1, labels: { app: web }, serve: 8080 }',
    '      - { name: client }',
    '  - name: node2',
    '    pods:',
    '      - { name: web-2, labels: { app: web }, serve: 8080 }',
    'network: { mode: pod-cidr, cidr: 10.244.0.0/16 }',
    ...lines,
    '',
  ].join('\n');

function expectProblem(text: string, want: { line: number; column: number; message: RegExp }) {
  const ds = diagnosticsOf(text);
  const d = ds.find((x) => want.message.test(x.message));
  expect(d, `diagnostics were: ${JSON.stringify(ds)}`).toBeDefined();
  expect({ line: d!.line, column: d!.column }).toEqual({ line: want.line, column: want.column });
}

describe('the lab file\'s Kubernetes fields', () => {
  it('the built-in services lab: defaults, namespaces, hostPort and the DNS server pod on the first host', () => {
    const parsed = allocatedLab(readFileSync(new URL('services.yaml', LABS), 'utf8'), 'services.yaml');
    const { spec, allocation } = parsed;
    const warnings = allocationWarnings(parsed, allocation);
    const k = spec.kubernetes!;
    expect(k).toMatchObject({ serviceCidr: '10.96.0.0/12', proxyMode: 'iptables', dns: true, clusterDomain: 'cluster.local', dnsPod: { host: 'node1', pod: 'kube-dns' } });
    expect(k.pods.find((p) => p.pod === 'api-1')).toMatchObject({ namespace: 'shop', labels: { app: 'api' }, hostPort: { port: 8081, containerPort: 9000, protocol: 'TCP' } });
    expect(k.pods.find((p) => p.pod === 'client')).toMatchObject({ namespace: 'default', labels: {}, hostPort: null });
    expect(k.pods.find((p) => p.pod === 'kube-dns')).toMatchObject({ host: 'node1', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } });
    expect(allocation.hosts[0]!.pods.map((p) => `${p.name} ${p.ip}`)).toEqual(['web-1 10.244.1.2', 'client 10.244.1.3', 'kube-dns 10.244.1.4']);
    // `empty` picks no pod: allowed (kube-proxy REJECTs), said where it is.
    expect(warnings).toEqual([expect.objectContaining({ line: 50, field: 'services[3].selector', message: expect.stringMatching(/picks no pod/) })]);
  });

  it('services alone turn on kube-proxy (iptables) and the DNS; labels alone turn on nothing', () => {
    const withServices = parseLab(lab('services: [{ name: web, selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }]'), 'lab.yaml').spec.kubernetes!;
    expect(withServices).toMatchObject({ proxyMode: 'iptables', dns: true, serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local' });
    const labelsOnly = parseLab(lab(), 'lab.yaml');
    expect(labelsOnly.spec.kubernetes).toMatchObject({ proxyMode: 'none', dns: false, dnsPod: null, services: [] });
    expect(labelsOnly.spec.hosts[0]!.pods.map((p) => p.name)).toEqual(['web-1', 'client']);
    expect(parseLab(lab('kubernetes: { proxyMode: nftables, dns: false }'), 'lab.yaml').spec.kubernetes).toMatchObject({ proxyMode: 'nftables', dns: false, dnsPod: null });
  });

  it('a lab without any of them has no Kubernetes part', () => {
    const { spec } = parseLab(readFileSync(new URL('flannel-vxlan.yaml', LABS), 'utf8'), 'flannel-vxlan.yaml');
    expect(spec.kubernetes).toBeNull();
  });

  const svc = (extra: string) => `  - { name: web, selector: { app: web }, ${extra} }`;

  it.each([
    ['a clusterIP outside the service CIDR', [svc('clusterIP: 10.200.0.5, ports: [{ port: 80 }]')], 12, 53, /outside the service CIDR 10\.96\.0\.0\/12/],
    ['a clusterIP taken twice', [svc('clusterIP: 10.96.0.20, ports: [{ port: 80 }]'), '  - { name: web2, clusterIP: 10.96.0.20, ports: [{ port: 80 }] }'], 13, 30, /already taken by default\/web/],
    ["kube-dns's own clusterIP", [svc('clusterIP: 10.96.0.10, ports: [{ port: 80 }]')], 12, 53, /already taken by kube-system\/kube-dns/],
    ['a nodePort outside 30000-32767', [svc('type: NodePort, ports: [{ port: 80, nodePort: 8080 }]')], 12, 88, /outside the NodePort range/],
    ['a nodePort taken twice', [svc('type: NodePort, ports: [{ port: 80, nodePort: 30080 }]'), '  - { name: api, type: NodePort, ports: [{ port: 80, nodePort: 30080 }] }'], 13, 64, /nodePort 30080 is already taken by default\/web/],
    ['a service name that is not a DNS-1035 label', ['  - { name: Web, ports: [{ port: 80 }] }'], 12, 13, /"Web" is not a valid service name/],
    ['an unknown service type', [svc('type: LoadBalancer, ports: [{ port: 80 }]')], 12, 48, /type is ClusterIP, NodePort or headless/],
  ])('rejects %s, located', (_what, services, line, column, message) => {
    expectProblem(lab('services:', ...(services as string[])), { line: line as number, column: column as number, message: message as RegExp });
  });

  it('rejects a service CIDR overlapping the cluster CIDR or the underlay', () => {
    expectProblem(lab('kubernetes: { serviceCidr: 10.244.0.0/24 }'), { line: 11, column: 28, message: /overlaps the cluster CIDR 10\.244\.0\.0\/16/ });
    expectProblem(lab('underlay: { subnet: 10.96.5.0/24 }', 'kubernetes: {}'), { line: 12, column: 13, message: /overlaps the underlay 10\.96\.5\.0\/24/ });
  });

  it('rejects an unknown key with a suggestion, and a bad namespace', () => {
    const ds = diagnosticsOf(lab('services:', svc('ports: [{ port: 80 }], sessionAfinity: ClientIP')));
    expect(ds).toContainEqual(expect.objectContaining({ line: 12, message: 'unknown key "sessionAfinity"', hint: 'did you mean "sessionAffinity"?' }));
    expectProblem(lab('services:', svc('namespace: Shop, ports: [{ port: 80 }]')), { line: 12, column: 53, message: /"Shop" is not a valid namespace name/ });
  });

  it('rejects Kubernetes fields in docker0 mode, a hostPort taken twice on a host, and a pod named as the DNS server', () => {
    expectProblem(lab('services: []').replace('mode: pod-cidr, cidr: 10.244.0.0/16', 'mode: docker0'), { line: 11, column: 1, message: /need a pod network/ });
    const twice = lab().replace('{ name: client }', '{ name: client, hostPort: { port: 8081, containerPort: 80 } }').replace('serve: 8080 }\n      - { name: client', 'serve: 8080, hostPort: { port: 8081, containerPort: 8080 } }\n      - { name: client');
    expectProblem(twice, { line: 6, column: 43, message: /hostPort 8081\/TCP on node1 is already taken by pod web-1/ });
    expectProblem(lab('driver: ssh', 'services: []'), { line: 12, column: 1, message: /not yet supported on the ssh driver/ });
    expectProblem(lab('kubernetes: {}').replace('{ name: client }', '{ name: kube-dns }'), { line: 6, column: 9, message: /"kube-dns" on node1 is the cluster DNS server's/ });
  });
});
