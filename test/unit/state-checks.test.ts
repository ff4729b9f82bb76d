// Checks read from a real snapshot; breaking the state in a copy turns them
// red, with what was found instead.
import { describe, expect, it } from 'vitest';
import type { CheckSpec } from '../../src/shared/exercise';
import type { Snapshot } from '../../src/shared/snapshot';
import { evaluateStateCheck, type StateCheck } from '../../src/engine/exercises/state-checks';
import { fixtureSnapshot } from '../helpers/snapshots';

const vxlan = fixtureSnapshot('flannel-vxlan');
const publish = fixtureSnapshot('port-publish');
const host1 = (s: Snapshot) => s.hosts[0]!;
const mac2 = vxlan.hosts[1]!.interfaces.find((i) => i.name === 'flannel.1')!.mac!;
const u2 = vxlan.hosts[1]!.underlayIp!;

function broken(s: Snapshot, change: (s: Snapshot) => void): Snapshot {
  const copy = structuredClone(s);
  change(copy);
  return copy;
}

const check = (c: CheckSpec, s: Snapshot) => evaluateStateCheck(c as StateCheck, s);

describe('route checks', () => {
  const c: CheckSpec = { kind: 'route', on: 'host1', dst: '10.2.3.0/24', via: '10.2.3.0', dev: 'flannel.1', expect: 'present' };

  it('pass when the route is there', () => {
    expect(check(c, vxlan)).toEqual({ label: 'host1 has route 10.2.3.0/24 via 10.2.3.0 dev flannel.1', kind: 'route', status: 'passed', found: null });
  });

  it('fail with the routes found when it is gone', () => {
    const s = broken(vxlan, (x) => (host1(x).routes = host1(x).routes.filter((r) => r.dst !== '10.2.3.0/24')));
    const r = check(c, s);
    expect(r.status).toBe('failed');
    expect(r.found).toMatch(/^no route for 10.2.3.0\/24; host1 has: 10.2.1.0\/24 dev cni0/);
  });

  it('fail with the route as it is when it points elsewhere', () => {
    const s = broken(vxlan, (x) => (host1(x).routes.find((r) => r.dst === '10.2.3.0/24')!.dev = 'eth0'));
    expect(check(c, s).found).toBe('the route is 10.2.3.0/24 via 10.2.3.0 dev eth0 proto boot scope global onlink');
  });

  it('absent: pass when there is none, fail naming it when there is', () => {
    expect(check({ ...c, dst: '10.2.9.0/24', expect: 'absent' } as CheckSpec, vxlan).status).toBe('passed');
    expect(check({ ...c, expect: 'absent' } as CheckSpec, vxlan)).toMatchObject({ status: 'failed', found: expect.stringMatching(/^10.2.3.0\/24 via 10.2.3.0 dev flannel.1/) });
  });

  it('in a pod, and for the default route', () => {
    expect(check({ kind: 'route', on: 'host1/a', dst: 'default', via: '10.2.1.1', expect: 'present' }, vxlan).status).toBe('passed');
    expect(check({ kind: 'route', on: 'host1/a', dst: '10.2.0.0/16', via: '10.2.1.9', expect: 'present' }, vxlan).status).toBe('failed');
  });
});

describe('neighbour and fdb checks', () => {
  it('the permanent neighbour for the peer lease, with its MAC', () => {
    const c: CheckSpec = { kind: 'neighbour', on: 'host1', dst: '10.2.3.0', lladdr: mac2.toUpperCase(), dev: 'flannel.1', permanent: true, expect: 'present' };
    expect(check(c, vxlan).status).toBe('passed');
    const wrongMac = broken(vxlan, (x) => (host1(x).neighbours[0]!.lladdr = '02:00:00:00:00:99'));
    expect(check(c, wrongMac).found).toBe('the entry is 10.2.3.0 dev flannel.1 lladdr 02:00:00:00:00:99 PERMANENT');
  });

  it('the fdb entry pointing at the peer host; a missing one lists what flannel.1 has', () => {
    const c: CheckSpec = { kind: 'fdb', on: 'host1', dev: 'flannel.1', mac: mac2, dst: u2, expect: 'present' };
    expect(check(c, vxlan).status).toBe('passed');
    const gone = broken(vxlan, (x) => (host1(x).fdb = host1(x).fdb.filter((f) => f.dev !== 'flannel.1')));
    expect(check(c, gone)).toMatchObject({ status: 'failed', found: 'flannel.1 has no fdb entries' });
    expect(check({ ...c, expect: 'absent' } as CheckSpec, gone).status).toBe('passed');
  });

  it('fdb entries are a host matter', () => {
    expect(check({ kind: 'fdb', on: 'host1/a', expect: 'present' }, vxlan)).toMatchObject({ status: 'error', found: 'fdb entries are read on hosts, not in pods' });
  });
});

describe('iptables checks', () => {
  const dnat = '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80';

  it('match a line of iptables-save, whitespace aside', () => {
    expect(check({ kind: 'iptables', on: 'host2', table: 'nat', rule: dnat.replace(/ /g, '  '), expect: 'present' }, publish).status).toBe('passed');
    expect(check({ kind: 'iptables', on: 'host2', table: 'filter', rule: ':FORWARD DROP', expect: 'present' }, publish).status).toBe('passed');
  });

  it('a missing rule shows what its chain holds', () => {
    const r = check({ kind: 'iptables', on: 'host2', table: 'nat', rule: dnat.replace('8080', '8081'), expect: 'present' }, publish);
    expect(r.status).toBe('failed');
    expect(r.found).toBe(`chain DOCKER of the nat table has -A DOCKER -i docker0 -j RETURN; ${dnat}`);
  });
});

describe('interface checks', () => {
  const c: CheckSpec = {
    kind: 'interface',
    on: 'host1',
    name: 'flannel.1',
    expect: 'present',
    attrs: { type: 'vxlan', mtu: 1450, up: true, address: '10.2.1.0/32', vxlan: { id: 1, port: 8472, dev: 'eth0', learning: false } },
  };

  it('pass with every attribute as flanneld sets it', () => {
    expect(check(c, vxlan)).toMatchObject({ status: 'passed', label: 'host1 has interface flannel.1 (vxlan, mtu 1450, up, address 10.2.1.0/32, vni 1, port 8472, dev eth0, nolearning)' });
  });

  it('name every attribute that differs', () => {
    const s = broken(vxlan, (x) => {
      const i = host1(x).interfaces.find((f) => f.name === 'flannel.1')!;
      i.mtu = 1500;
      i.vxlan!.learning = true;
    });
    expect(check(c, s).found).toBe('mtu is 1500 (expected 1450); it is learning (expected nolearning)');
  });

  it('a missing interface lists the ones there are; absent passes', () => {
    const s = broken(vxlan, (x) => (host1(x).interfaces = host1(x).interfaces.filter((i) => i.name !== 'flannel.1')));
    expect(check(c, s).found).toMatch(/^no interface flannel.1 on host1; it has lo, eth0, cni0/);
    expect(check({ ...c, expect: 'absent' } as CheckSpec, s).status).toBe('passed');
  });

  it('an unknown node or an unreadable host is an error, never a pass', () => {
    expect(check({ ...c, on: 'host7' } as CheckSpec, vxlan)).toMatchObject({ status: 'error', found: 'lab fx-vxlan has no host7' });
    const down = broken(vxlan, (x) => Object.assign(host1(x), { reachable: false, error: 'container stopped' }));
    expect(check(c, down)).toMatchObject({ status: 'error', found: 'host1 could not be read: container stopped' });
  });
});

describe('interface checks on a veth\'s real peer', () => {
  const c: CheckSpec = { kind: 'interface', on: 'host1/client', name: 'eth0', attrs: { type: 'veth', peer: { on: 'host1', master: 'docker0' } }, expect: 'present' };
  const eth0 = (s: Snapshot) => host1(s).pods[0]!.interfaces.find((i) => i.name === 'eth0')!;

  it('pass when the interface the peer ifindex names on the host is a veth in docker0', () => {
    expect(check(c, publish)).toEqual({ label: 'host1/client has interface eth0 (veth, its peer interface on host1 in docker0)', kind: 'interface', status: 'passed', found: null });
  });

  it('fail when the peer ifindex names the host\'s own eth0 (what `bridge link`\'s "@eth0" suggests): that is no veth of the bridge', () => {
    const hostEth0 = host1(publish).interfaces.find((i) => i.name === 'eth0')!;
    const s = broken(publish, (x) => (eth0(x).peerIndex = hostEth0.index));
    const r = check(c, s);
    expect(r.status).toBe('failed');
    expect(r.found).toMatch(hostEth0.kind === 'veth' ? /its peer eth0 is in no bridge \(expected docker0\)/ : /which is no veth on host1/);
  });

  it('fail when the peer left the bridge', () => {
    const peer = host1(publish).interfaces.find((i) => i.index === eth0(publish).peerIndex)!;
    const s = broken(publish, (x) => (host1(x).interfaces.find((i) => i.name === peer.name)!.master = null));
    expect(check(c, s).found).toBe(`its peer ${peer.name} is in no bridge (expected docker0)`);
  });
});
