import { expect, it } from 'vitest';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, useLabs } from '../helpers/lab-fixture';

await describeWithDocker('flannel host-gw backend', () => {
  const t = useLabs(builtinLab('flannel-host-gw.yaml', 'it-host-gw'));

  it('cross-host pod ping succeeds with plain routes', async () => {
    expect((await t.engine.ping(t.lab, 'host1/a', 'host2/b', { count: 2 })).received).toBe(2);
  });

  it('has no vxlan device and routes each peer lease via the peer\'s underlay address', async () => {
    const snap = await t.engine.inspect(t.lab);
    const [h1, h2] = snap.hosts;
    expect(h1!.interfaces.some((i) => i.kind === 'vxlan')).toBe(false);
    expect(h1!.routes).toContainEqual(expect.objectContaining({ dst: '10.2.3.0/24', gateway: h2!.underlayIp, dev: 'eth0' }));
    expect(h2!.routes).toContainEqual(expect.objectContaining({ dst: '10.2.1.0/24', gateway: h1!.underlayIp, dev: 'eth0' }));
    expect(h1!.pods[0]!.interfaces.find((i) => i.name === 'eth0')?.mtu).toBe(1500);
  });
});
