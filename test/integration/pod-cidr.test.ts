import { expect, it } from 'vitest';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, useLabs } from '../helpers/lab-fixture';

await describeWithDocker('pod-cidr mode without an overlay', () => {
  const t = useLabs(builtinLab('pod-cidr.yaml', 'it-pod-cidr'));

  it('gives each host its lease on cni0 and each pod its own IP', async () => {
    const snap = await t.engine.inspect(t.lab);
    const [h1, h2] = snap.hosts;
    expect(h1!.interfaces.find((i) => i.name === 'cni0')?.addresses).toContainEqual(expect.objectContaining({ address: '10.2.1.1', prefixLen: 24 }));
    expect(h2!.interfaces.find((i) => i.name === 'cni0')?.addresses).toContainEqual(expect.objectContaining({ address: '10.2.3.1', prefixLen: 24 }));
    expect(h1!.pods.map((p) => [p.name, p.ip])).toEqual([
      ['a', '10.2.1.2'],
      ['b', '10.2.1.3'],
    ]);
    expect(h2!.pods.find((p) => p.name === 'b')?.ip).toBe('10.2.3.10');
  });

  it('host1 has no route to host2\'s lease, so a cross-host pod ping fails', async () => {
    const snap = await t.engine.inspect(t.lab);
    expect(snap.hosts[0]!.routes.some((r) => r.dst === '10.2.3.0/24')).toBe(false);
    const r = await t.engine.ping(t.lab, 'host1/a', 'host2/b', { count: 2 });
    expect(r.ok).toBe(false);
  });

  it('pods are plugged as flannel\'s CNI delegate does it: its conflist, the bridge config it hands over, host-local\'s lease files', async () => {
    const sh = (cmd: string) => t.engine.exec(t.lab, 'host1', ['sh', '-c', cmd]);
    const conflist = JSON.parse((await sh('cat /etc/cni/net.d/10-flannel.conflist')).stdout);
    expect(conflist).toEqual({
      name: 'cbr0',
      cniVersion: '0.3.1',
      plugins: [
        { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    });
    expect((await sh('ls /var/lib/cni/networks/cbr0')).stdout.split('\n').filter(Boolean)).toEqual(['10.2.1.2', '10.2.1.3', 'last_reserved_ip.0', 'lock']);
    const lease = (await sh('cat /var/lib/cni/networks/cbr0/10.2.1.2')).stdout;
    const [id, ifname] = lease.split('\r\n');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(ifname).toBe('eth0');
    // hairpinMode: true — every pod's bridge port has hairpin on.
    const ports = JSON.parse((await sh('ip -d -j link show master cni0')).stdout) as { linkinfo: { info_slave_data: { hairpin: boolean } } }[];
    expect(ports.map((p) => p.linkinfo.info_slave_data.hairpin)).toEqual([true, true]);
    const delegate = (await sh(`cat /var/lib/cni/flannel/${id}`)).stdout;
    expect(delegate).toBe(
      '{"cniVersion":"0.3.1","hairpinMode":true,"ipMasq":true,"ipam":{"ranges":[[{"subnet":"10.2.1.0/24"}]],"routes":[{"dst":"10.2.0.0/16"}],"type":"host-local"},"isDefaultGateway":true,"isGateway":true,"mtu":1500,"name":"cbr0","type":"bridge"}',
    );
  });

  it('pods on the same host still reach each other over cni0', async () => {
    expect((await t.engine.ping(t.lab, 'host1/a', 'host1/b', { count: 1 })).ok).toBe(true);
  });
});
