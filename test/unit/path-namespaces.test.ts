// Which namespaces a ping can cross, read from real snapshots of built-in
// labs (`podnet inspect --json`): the only places `podnet path` captures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pathNamespaces, type PathNamespaces, type PathQuery } from '../../src/engine/path/path-namespaces';
import type { Snapshot } from '../../src/shared/snapshot';

const fixture = (name: string): Snapshot => JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Snapshot;
const nodes = (legOrAll: { namespaces: { node: string }[] }) => legOrAll.namespaces.map((n) => n.node);
const query = (from: string, destination: string, source: string | null, extra: Partial<PathQuery> = {}): PathQuery => ({ from, destination, source, underlaySwitch: true, ...extra });
const hostOf = (s: Snapshot, name: string) => s.hosts.find((h) => h.name === name)!;

describe('path namespaces', () => {
  it('pod to pod across flannel VXLAN: pod, its host, the underlay switch, the host the fdb entry names, the pod; the reply back the same way', () => {
    const p = pathNamespaces(fixture('snapshot-flannel-vxlan'), query('host1/a', '10.2.3.10', '10.2.1.2'));
    expect(nodes(p.request)).toEqual(['host1/a', 'host1', 'underlay', 'host2', 'host2/b']);
    expect(p.request).toMatchObject({ arrives: true, stop: null });
    expect(p.request.namespaces.map((n) => n.via)).toEqual([
      '10.2.0.0/16 via 10.2.1.1 dev eth0 proto boot scope global',
      '10.2.3.0/24 via 10.2.3.0 dev flannel.1 proto boot scope global onlink',
      null,
      '10.2.3.0/24 dev cni0 proto kernel scope link src 10.2.3.1',
      null,
    ]);
    expect(p.request.namespaces[0]).toMatchObject({ node: 'host1/a', host: 'host1', pod: 'a' });
    expect(p.request.namespaces[2]).toMatchObject({ node: 'underlay', host: 'underlay', pod: null });
    expect(nodes(p.reply)).toEqual(['host2/b', 'host2', 'underlay', 'host1', 'host1/a']);
    expect(p.reply.arrives).toBe(true);
    expect(nodes(p)).toEqual(['host1/a', 'host1', 'underlay', 'host2', 'host2/b']);
    expect(p.incomplete).toBe(false);
  });

  it('pods of one host: through the host\'s bridge only', () => {
    const p = pathNamespaces(fixture('snapshot-flannel-vxlan'), query('host1/a', '10.2.1.3', '10.2.1.2'));
    expect(nodes(p)).toEqual(['host1/a', 'host1', 'host1/b']);
  });

  it('host-gw: the route\'s gateway is the peer\'s underlay address', () => {
    const p = pathNamespaces(fixture('host-gw-snapshot'), query('host1/a', '10.2.3.10', '10.2.1.2'));
    expect(nodes(p.request)).toEqual(['host1/a', 'host1', 'underlay', 'host2', 'host2/b']);
    expect(p.request.namespaces[1]!.via).toBe('10.2.3.0/24 via 198.18.7.12 dev eth0 proto boot scope global');
  });

  it('to the internet node by the default route; its reply has no route back to the pod (masquerade makes one)', () => {
    const p = pathNamespaces(fixture('masquerade-snapshot'), query('host1/a', '203.0.113.10', '10.2.1.2'));
    expect(nodes(p.request)).toEqual(['host1/a', 'host1', 'underlay', 'internet']);
    expect(p.request.arrives).toBe(true);
    expect(p.reply).toEqual({ namespaces: [{ node: 'internet', host: 'internet', pod: null, via: null }], arrives: false, stop: 'internet has no route to 10.2.1.2' });
    expect(nodes(p)).toEqual(['host1/a', 'host1', 'underlay', 'internet']);
  });

  it('host to host over the underlay link; a container pinging an address it holds itself goes nowhere', () => {
    const s = fixture('snapshot-port-publish');
    expect(nodes(pathNamespaces(s, query('host1/client', '198.18.2.12', '172.17.0.2')).request)).toEqual(['host1/client', 'host1', 'underlay', 'host2']);
    expect(nodes(pathNamespaces(s, query('host1/client', '172.17.0.2', '172.17.0.2')))).toEqual(['host1/client']);
  });

  it('without an underlay switch (real machines) the hosts follow each other directly', () => {
    const p = pathNamespaces(fixture('snapshot-flannel-vxlan'), query('host1/a', '10.2.3.10', '10.2.1.2', { underlaySwitch: false }));
    expect(nodes(p)).toEqual(['host1/a', 'host1', 'host2', 'host2/b']);
  });

  it('a broken tunnel ends the leg where the state ends: no fdb entry, no neighbour, no route', () => {
    const noFdb = fixture('snapshot-flannel-vxlan');
    hostOf(noFdb, 'host1').fdb = [];
    const p = pathNamespaces(noFdb, query('host1/a', '10.2.3.10', '10.2.1.2'));
    expect(p.request).toMatchObject({ arrives: false, stop: 'host1: flannel.1 has no fdb entry for 8e:c1:31:19:3b:92' });
    expect(nodes(p)).toEqual(['host1/a', 'host1']);
    expect(p.reply).toMatchObject({ namespaces: [], stop: 'the request does not arrive' });

    const noNeighbour = fixture('snapshot-flannel-vxlan');
    hostOf(noNeighbour, 'host1').neighbours = [];
    expect(pathNamespaces(noNeighbour, query('host1/a', '10.2.3.10', '10.2.1.2')).request.stop).toBe('host1: flannel.1 has no neighbour entry for 10.2.3.0');

    const noRoute = fixture('snapshot-flannel-vxlan');
    hostOf(noRoute, 'host1').routes = hostOf(noRoute, 'host1').routes.filter((r) => r.dst !== '10.2.3.0/24');
    expect(pathNamespaces(noRoute, query('host1/a', '10.2.3.10', '10.2.1.2')).request.stop).toBe('host1 has no route to 10.2.3.10');
  });

  it('the reply leg can differ from the request: host2 without a route back still sees the request', () => {
    const s = fixture('host-gw-snapshot');
    hostOf(s, 'host2').routes = hostOf(s, 'host2').routes.filter((r) => r.dst !== '10.2.1.0/24');
    const p = pathNamespaces(s, query('host1/a', '10.2.3.10', '10.2.1.2'));
    expect(p.request.arrives).toBe(true);
    expect(p.reply).toMatchObject({ arrives: false, stop: 'host2 has no route to 10.2.1.2' });
    expect(nodes(p.reply)).toEqual(['host2/b', 'host2']);
  });

  it('a routing loop ends when a namespace comes round again', () => {
    const s = fixture('host-gw-snapshot');
    const back = { dst: '10.2.3.0/24', gateway: '198.18.7.11', dev: 'eth0', protocol: null, scope: null, prefsrc: null, flags: [] };
    hostOf(s, 'host2').routes = [...hostOf(s, 'host2').routes.filter((r) => r.dst !== '10.2.3.0/24'), back];
    const p = pathNamespaces(s, query('host1/a', '10.2.3.10', '10.2.1.2'));
    expect(p.request).toMatchObject({ arrives: false, stop: 'a routing loop: host1 again' });
    expect(nodes(p)).toEqual(['host1/a', 'host1', 'underlay', 'host2', 'underlay']);
  });

  it('a partial snapshot says when it lacks a host the path needs (read them all, then compute again)', () => {
    const full = fixture('snapshot-flannel-vxlan');
    const onlySource: Snapshot = { ...full, hosts: [hostOf(full, 'host1')] };
    const partial = (s: Snapshot): PathNamespaces => pathNamespaces(s, query('host1/a', '10.2.3.10', '10.2.1.2', { partial: true }));
    expect(partial(onlySource)).toMatchObject({ incomplete: true, request: { arrives: false, stop: 'no host of the lab has the underlay address 198.18.1.12' } });
    expect(partial(full).incomplete).toBe(false);
    // Without `partial`, a missing owner is the answer: the packet goes where no host is.
    expect(pathNamespaces(onlySource, query('host1/a', '10.2.3.10', '10.2.1.2')).incomplete).toBe(false);
  });

  it('a source that cannot be read has no path', () => {
    const s = fixture('snapshot-flannel-vxlan');
    hostOf(s, 'host1').reachable = false;
    expect(pathNamespaces(s, query('host1/a', '10.2.3.10', '10.2.1.2'))).toMatchObject({ namespaces: [], request: { arrives: false, stop: 'the source could not be read' } });
  });
});
