// Recorded route, neighbour and fdb lookups (test/fixtures/trace/routes) → "why it went there".
import { describe, expect, it } from 'vitest';
import { formatIpRoute, lookupRoutes, parseRouteLookup, routeLookupArgv } from '../../src/engine/trace/route-explain';
import { routeFixture } from '../helpers/trace-fixtures';

function explained(name: string) {
  const f = routeFixture(name);
  return parseRouteLookup(f.queries, f.stdout);
}

describe('why a packet went where it went', () => {
  it('names the VXLAN hop\'s route, neighbour and fdb entry with the remote VTEP', () => {
    const [forward] = explained('host1-forward');
    expect(forward).toMatchObject({
      route: '10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink',
      type: 'unicast',
      dev: 'flannel.1',
      gateway: '10.2.3.0',
      nextHop: '10.2.3.0',
      neighbour: { address: '10.2.3.0', dev: 'flannel.1', lladdr: '0e:00:00:00:03:00', state: ['PERMANENT'] },
      vxlan: { vni: 1, port: 8472 },
      fdb: { mac: '0e:00:00:00:03:00', dst: '192.168.100.2', flags: ['self'], state: 'permanent' },
      missing: null,
    });
    expect(forward!.lines).toEqual([
      'route: 10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink',
      'neighbour: 10.2.3.0 dev flannel.1 lladdr 0e:00:00:00:03:00 PERMANENT',
      'fdb: 0e:00:00:00:03:00 dev flannel.1 dst 192.168.100.2 self permanent',
      'encapsulated in VXLAN (VNI 1) and sent to the VTEP 192.168.100.2',
    ]);
  });

  it('names a directly connected route, a local delivery and a default route', () => {
    const [, back, underlay, local] = explained('host1-forward');
    expect(back!.route).toBe('10.2.1.0/24 dev vpa proto kernel scope link src 10.2.1.1');
    expect(back!.nextHop).toBe('10.2.1.2');
    expect(underlay!.lines[0]).toBe('route: 192.168.100.0/24 dev eth1 proto kernel scope link src 192.168.100.1');
    expect(local).toMatchObject({ type: 'local', nextHop: null, neighbour: null, missing: null });
    expect(local!.lines).toEqual(["route: local 10.2.1.1 dev vpa proto kernel scope host src 10.2.1.1 — 10.2.1.1 is this namespace's own address: delivered here"]);
    const [pod] = explained('pod-source');
    expect(pod).toMatchObject({ route: 'default via 10.2.1.1 dev eth0', prefsrc: '10.2.1.2', nextHop: '10.2.1.1', vxlan: null, fdb: null });
  });

  it('names what is missing: the route, the neighbour, the fdb entry', () => {
    const noRoute = explained('host1-forward')[4]!;
    expect(noRoute).toMatchObject({ missing: 'route', route: null, error: 'Network is unreachable' });
    expect(noRoute.lines).toEqual(['no route to 10.9.9.9 (the kernel answers "Network is unreachable")']);

    const [unreachable, blackhole] = explained('unreachable-route');
    expect(unreachable).toMatchObject({ missing: 'route', type: 'unreachable', route: 'unreachable 10.77.0.0/16', error: 'No route to host' });
    expect(unreachable!.lines[0]).toBe('route: unreachable 10.77.0.0/16 — the packet is discarded and ICMP host unreachable sent back (the kernel answers "No route to host")');
    expect(blackhole!.lines[0]).toBe('route: blackhole 10.78.0.0/16 — the packet is discarded silently (the kernel answers "Invalid argument")');

    const [neighbour] = explained('missing-neighbour');
    expect(neighbour).toMatchObject({ missing: 'neighbour', neighbour: { address: '10.2.3.0', lladdr: null, state: ['INCOMPLETE'] }, fdb: null });
    expect(neighbour!.lines[1]).toBe('neighbour: 10.2.3.0 dev flannel.1 is INCOMPLETE: no MAC address to send to');

    const [fdb] = explained('missing-fdb');
    expect(fdb).toMatchObject({ missing: 'fdb', fdb: null, neighbour: { lladdr: '0e:00:00:00:03:00' } });
    expect(fdb!.lines.at(-1)).toBe('no fdb entry for 0e:00:00:00:03:00 on flannel.1: the kernel does not know which host to send the VXLAN packet to');
  });

  it('prints a route of `ip -j route` as `ip route` does', () => {
    expect(formatIpRoute({ type: 'unicast', dst: '10.2.3.0/24', gateway: '10.2.3.0', dev: 'flannel.1', flags: ['onlink'] })).toBe('10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink');
    expect(formatIpRoute({ type: 'local', dst: '10.2.1.1', dev: 'vpa', table: 'local', protocol: 'kernel', scope: 'host', prefsrc: '10.2.1.1' })).toBe('local 10.2.1.1 dev vpa table local proto kernel scope host src 10.2.1.1');
    expect(formatIpRoute({ dst: 'default', gateway: '192.168.100.254', dev: 'eth1', metric: 100 })).toBe('default via 192.168.100.254 dev eth1 metric 100');
  });
});

describe('the lookup command', () => {
  it('passes every query as arguments, `-` for what is not given', () => {
    const argv = routeLookupArgv([{ dst: '10.2.3.10', from: '10.2.1.2', iif: 'vpa' }, { dst: '10.9.9.9' }]);
    expect(argv.slice(3)).toEqual(['podnet-route', '10.2.3.10', '10.2.1.2', 'vpa', '10.9.9.9', '-', '-']);
  });

  it('refuses what is not an address or an interface name', () => {
    expect(() => routeLookupArgv([{ dst: '10.2.3.10; reboot' }])).toThrow('is not an IPv4 address');
    expect(() => routeLookupArgv([{ dst: '10.2.3.10', from: '10.2.1.2', iif: '-x' }])).toThrow('is not an interface name');
    expect(() => routeLookupArgv([{ dst: '10.2.3.10', iif: 'vpa' }])).toThrow('needs its source address');
  });

  it('says which namespace could not answer', async () => {
    const ns = { node: 'host1/a', exec: async () => ({ code: 127, stdout: '', stderr: 'bash: ip: command not found' }) };
    await expect(lookupRoutes(ns, [{ dst: '10.2.3.10' }])).rejects.toThrow('looking up routes in host1/a failed: bash: ip: command not found');
    expect(await lookupRoutes(ns, [])).toEqual([]);
  });
});
