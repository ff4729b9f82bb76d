// A path to a Service follows every endpoint kube-proxy's observed rules
// name (ClusterIP:port, or a node's address at a node port), and the
// possible paths merge keeping each one's order.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PathNamespace, PathNamespaces } from '../../src/engine/path/path-namespaces';
import { serviceEndpoints, unionPaths } from '../../src/engine/path/service-destinations';
import type { Snapshot } from '../../src/shared/snapshot';

const snapshot = JSON.parse(readFileSync(new URL('../fixtures/services-snapshot.json', import.meta.url), 'utf8')) as Snapshot;
const node1 = snapshot.hosts[0]!;

describe('serviceEndpoints', () => {
  it('a ClusterIP:port goes to each endpoint of that port; another port, ICMP or a plain address to none', () => {
    expect(serviceEndpoints(node1, snapshot, '10.96.100.10', 80, 'tcp')).toEqual(['10.244.1.2', '10.244.2.2', '10.244.3.2']);
    expect(serviceEndpoints(node1, snapshot, '10.96.0.10', 53, 'udp')).toEqual(['10.244.2.4']);
    expect(serviceEndpoints(node1, snapshot, '10.96.100.10', 81, 'tcp')).toEqual([]);
    expect(serviceEndpoints(node1, snapshot, '10.96.100.10', null, 'icmp')).toEqual([]);
    expect(serviceEndpoints(node1, snapshot, '10.244.1.2', 8080, 'tcp')).toEqual([]);
  });

  it('a node port on a node address: every endpoint (Cluster), only the local ones (Local)', () => {
    expect(serviceEndpoints(node1, snapshot, '198.18.0.11', 30080, 'tcp')).toEqual(['10.244.1.2', '10.244.2.2', '10.244.3.2']);
    expect(serviceEndpoints(node1, snapshot, '198.18.0.11', 30081, 'tcp')).toEqual(['10.244.1.3']);
    expect(serviceEndpoints(node1, snapshot, '203.0.113.99', 30080, 'tcp')).toEqual([]);
  });

  it('a host whose kube-proxy rules are not read (no services) sends nowhere special', () => {
    expect(serviceEndpoints({ ...node1, services: null }, snapshot, '10.96.100.10', 80, 'tcp')).toEqual([]);
  });
});

const ns = (node: string): PathNamespace => ({ node, host: node.split('/')[0]!, pod: node.split('/')[1] ?? null, via: null });
const path = (request: string[], reply: string[]): PathNamespaces => {
  const req = request.map(ns);
  const rep = reply.map(ns);
  return { request: { namespaces: req, arrives: true, stop: null }, reply: { namespaces: rep, arrives: true, stop: null }, namespaces: [...req, ...rep.filter((n) => !request.includes(n.node))], incomplete: false };
};

describe('unionPaths', () => {
  it('keeps each path\'s order: another endpoint\'s hops come before the namespace both reach', () => {
    const local = path(['node1/client', 'node1', 'node1/web-1'], ['node1/web-1', 'node1', 'node1/client']);
    const remote = path(['node1/client', 'node1', 'node2', 'node2/web-2'], ['node2/web-2', 'node2', 'node1', 'node1/client']);
    const u = unionPaths([local, remote]);
    expect(u.request.namespaces.map((n) => n.node)).toEqual(['node1/client', 'node1', 'node1/web-1', 'node2', 'node2/web-2']);
    expect(u.reply.namespaces.map((n) => n.node)).toEqual(['node1/web-1', 'node2/web-2', 'node2', 'node1', 'node1/client']);
    expect(u.namespaces.map((n) => n.node)).toEqual(['node1/client', 'node1', 'node1/web-1', 'node2', 'node2/web-2']);
    expect(u.request.arrives).toBe(true);
  });

  it('arrives when any path does; otherwise says why the first one stopped', () => {
    const stopped: PathNamespaces = { ...path(['a'], []), request: { namespaces: [ns('a')], arrives: false, stop: 'no route to 10.96.100.10' } };
    expect(unionPaths([stopped]).request).toMatchObject({ arrives: false, stop: 'no route to 10.96.100.10' });
    expect(unionPaths([stopped, path(['a', 'b'], ['b', 'a'])]).request).toMatchObject({ arrives: true, stop: null });
  });
});
