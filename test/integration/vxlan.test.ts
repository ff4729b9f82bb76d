import { expect, it } from 'vitest';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, captureDuring, useLabs } from '../helpers/lab-fixture';

await describeWithDocker('flannel vxlan backend', () => {
  const t = useLabs(builtinLab('flannel-vxlan.yaml', 'it-vxlan'));

  it('cross-host pod pings succeed both ways', async () => {
    expect((await t.engine.ping(t.lab, 'host1/a', 'host2/b', { count: 2 })).received).toBe(2);
    expect((await t.engine.ping(t.lab, 'host2/c', 'host1/b', { count: 2 })).received).toBe(2);
  });

  it('flannel.1 and every neighbour, fdb entry and route are what flanneld sets (docs/networking.md §5.4)', async () => {
    const snap = await t.engine.inspect(t.lab);
    const [h1, h2] = snap.hosts;
    for (const [self, peer, lease, peerLease] of [
      [h1!, h2!, '10.2.1.0', '10.2.3.0'],
      [h2!, h1!, '10.2.3.0', '10.2.1.0'],
    ] as const) {
      const vx = self.interfaces.find((i) => i.name === 'flannel.1')!;
      const peerVtep = peer.interfaces.find((i) => i.name === 'flannel.1')!;
      expect(vx).toMatchObject({ kind: 'vxlan', mtu: 1450, up: true, vxlan: { id: 1, port: 8472, local: self.underlayIp, dev: 'eth0', learning: false } });
      expect(vx.addresses).toEqual([expect.objectContaining({ address: lease, prefixLen: 32 })]);
      expect(self.neighbours).toContainEqual({ dst: peerLease, dev: 'flannel.1', lladdr: peerVtep.mac, state: ['PERMANENT'] });
      expect(self.fdb).toContainEqual(expect.objectContaining({ mac: peerVtep.mac, dev: 'flannel.1', dst: peer.underlayIp, state: 'permanent', flags: ['self'] }));
      expect(self.routes).toContainEqual(expect.objectContaining({ dst: `${peerLease}/24`, gateway: peerLease, dev: 'flannel.1', flags: ['onlink'] }));
      const pod = self.pods[0]!;
      expect(pod.interfaces.find((i) => i.name === 'eth0')?.mtu).toBe(1450);
    }
  });

  it('the ping travels inside UDP 8472 between the two underlay addresses (tcpdump on host1 eth0)', async () => {
    const snap = await t.engine.inspect(t.lab);
    const [u1, u2] = snap.hosts.map((h) => h.underlayIp);
    const lines = await captureDuring(t.engine, t.lab, 'host1', 'eth0', ['udp', 'port', '8472'], 4, () => t.engine.ping(t.lab, 'host1/a', 'host2/b', { count: 2 }));
    const outer = lines.filter((l) => l.includes('.8472:'));
    expect(outer.some((l) => l.includes(`${u1}.`) && l.includes(`> ${u2}.8472`))).toBe(true);
    expect(outer.some((l) => l.includes(`${u2}.`) && l.includes(`> ${u1}.8472`))).toBe(true);
    expect(lines.join('\n')).toMatch(/10\.2\.1\.2 > 10\.2\.3\.10: ICMP echo request/);
  });

  it('writes /run/flannel/subnet.env on every host', async () => {
    const env = await t.engine.exec(t.lab, 'host2', ['cat', '/run/flannel/subnet.env']);
    expect(env.stdout).toBe('FLANNEL_NETWORK=10.2.0.0/16\nFLANNEL_SUBNET=10.2.3.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
  });
});

await describeWithDocker('three hosts with fixed leases', () => {
  const t = useLabs(builtinLab('three-hosts.yaml', 'it-mesh'));

  it('reaches a full mesh: every pod pings every other host\'s pod', async () => {
    const hosts = ['host1', 'host2', 'host3'];
    const pairs = hosts.flatMap((a) => hosts.filter((b) => b !== a).map((b) => [a, b] as const));
    const results = await Promise.all(pairs.map(([a, b]) => t.engine.ping(t.lab, `${a}/a`, `${b}/a`, { count: 1 })));
    expect(results.map((r) => `${r.from}→${r.to}:${r.ok}`)).toEqual(pairs.map(([a, b]) => `${a}/a→${b}/a:true`));
    const snap = await t.engine.inspect(t.lab);
    expect(snap.hosts.map((h) => h.fdb.filter((f) => f.dev === 'flannel.1').length)).toEqual([2, 2, 2]);
  });
});
