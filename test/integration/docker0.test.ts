import { expect, it } from 'vitest';
import { describeWithDocker } from '../helpers/docker-required';
import { useLabs } from '../helpers/lab-fixture';
import { labYaml } from '../helpers/lab-text';

// host2 has a third container, at an address no container on host1 has.
const LAB = labYaml(['name: it-docker0', 'hosts:', '  - { name: host1, pods: [c1, c2] }', '  - { name: host2, pods: [c1, c2, c3] }', 'network: { mode: docker0 }']);

await describeWithDocker('docker0 mode on two hosts', () => {
  const t = useLabs(LAB);

  it('both hosts have docker0 172.17.0.1/16 and containers from 172.17.0.2', async () => {
    const snap = await t.engine.inspect(t.lab);
    for (const host of snap.hosts) {
      const docker0 = host.interfaces.find((i) => i.name === 'docker0');
      expect(docker0?.kind).toBe('bridge');
      expect(docker0?.addresses).toContainEqual(expect.objectContaining({ address: '172.17.0.1', prefixLen: 16 }));
      expect(host.pods.find((p) => p.name === 'c1')?.ip).toBe('172.17.0.2');
      expect(host.pods.find((p) => p.name === 'c1')?.routes).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '172.17.0.1' }));
      expect(host.iptables.nat).toContain('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
    }
  });

  it('containers on one host ping each other over docker0', async () => {
    const r = await t.engine.ping(t.lab, 'host1/c1', 'host1/c2', { count: 2 });
    expect(r.ok).toBe(true);
    expect(r.received).toBe(2);
  });

  it('a container cannot reach a container on the other host: 172.17.0.0/16 is "local" on both', async () => {
    const r = await t.engine.ping(t.lab, 'host1/c1', 'host2/c3', { count: 2 });
    expect(r.destination).toBe('172.17.0.4');
    expect(r.ok).toBe(false);
    expect(r.received).toBe(0);
  });
});
