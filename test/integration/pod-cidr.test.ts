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

  it('pods on the same host still reach each other over cni0', async () => {
    expect((await t.engine.ping(t.lab, 'host1/a', 'host1/b', { count: 1 })).ok).toBe(true);
  });
});
