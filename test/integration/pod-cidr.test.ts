import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/index';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, newEngine, upLab } from '../helpers/lab-fixture';

await describeWithDocker('pod-cidr mode without an overlay', () => {
  let engine: Engine;
  let lab: string;
  beforeAll(async () => {
    engine = newEngine();
    lab = await upLab(engine, builtinLab('pod-cidr.yaml', 'it-pod-cidr'));
  });
  afterAll(async () => {
    await engine.down(lab);
    await engine.dispose();
  });

  it('gives each host its lease on cni0 and each pod its own IP', async () => {
    const snap = await engine.inspect(lab);
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
    const snap = await engine.inspect(lab);
    expect(snap.hosts[0]!.routes.some((r) => r.dst === '10.2.3.0/24')).toBe(false);
    const r = await engine.ping(lab, 'host1/a', 'host2/b', { count: 2 });
    expect(r.ok).toBe(false);
  });

  it('pods on the same host still reach each other over cni0', async () => {
    expect((await engine.ping(lab, 'host1/a', 'host1/b', { count: 1 })).ok).toBe(true);
  });
});
