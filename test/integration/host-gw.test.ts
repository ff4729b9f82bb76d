import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/index';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, newEngine, upLab } from '../helpers/lab-fixture';

await describeWithDocker('flannel host-gw backend', () => {
  let engine: Engine;
  let lab: string;
  beforeAll(async () => {
    engine = newEngine();
    lab = await upLab(engine, builtinLab('flannel-host-gw.yaml', 'it-host-gw'));
  });
  afterAll(async () => {
    await engine.down(lab);
    await engine.dispose();
  });

  it('cross-host pod ping succeeds with plain routes', async () => {
    expect((await engine.ping(lab, 'host1/a', 'host2/b', { count: 2 })).received).toBe(2);
  });

  it('has no vxlan device and routes each peer lease via the peer\'s underlay address', async () => {
    const snap = await engine.inspect(lab);
    const [h1, h2] = snap.hosts;
    expect(h1!.interfaces.some((i) => i.kind === 'vxlan')).toBe(false);
    expect(h1!.routes).toContainEqual(expect.objectContaining({ dst: '10.2.3.0/24', gateway: h2!.underlayIp, dev: 'eth0' }));
    expect(h2!.routes).toContainEqual(expect.objectContaining({ dst: '10.2.1.0/24', gateway: h1!.underlayIp, dev: 'eth0' }));
    expect(h1!.pods[0]!.interfaces.find((i) => i.name === 'eth0')?.mtu).toBe(1500);
  });
});
