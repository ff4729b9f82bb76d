import { expect, it } from 'vitest';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, captureDuring, useLabs } from '../helpers/lab-fixture';

const MASQ = builtinLab('masquerade.yaml', 'it-masq');
const NO_MASQ = MASQ.replace('name: it-masq', 'name: it-nomasq').replace('masquerade: true', 'masquerade: false');

await describeWithDocker('masquerade to the lab internet', () => {
  const t = useLabs(MASQ, NO_MASQ);
  const [masq, noMasq] = ['it-masq', 'it-nomasq'];

  it('a pod reaches 203.0.113.10, which sees the host\'s underlay address as the source', async () => {
    const host1 = (await t.engine.inspect(masq)).hosts[0]!;
    const lines = await captureDuring(t.engine, masq, 'internet', 'eth0', ['icmp'], 2, async () => {
      expect((await t.engine.ping(masq, 'host1/a', '203.0.113.10', { count: 1 })).ok).toBe(true);
    });
    expect(lines[0]).toMatch(new RegExp(`IP ${host1.underlayIp!.replace(/\./g, '\\.')} > 203\\.0\\.113\\.10: ICMP echo request`));
    expect(host1.iptables.nat).toContain('-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG');
  });

  it('without masquerade the pod\'s own address leaves and no reply comes back', async () => {
    const lines = await captureDuring(t.engine, noMasq, 'internet', 'eth0', ['icmp'], 1, async () => {
      expect((await t.engine.ping(noMasq, 'host1/a', 'internet', { count: 2 })).ok).toBe(false);
    });
    expect(lines[0]).toMatch(/IP 10\.2\.1\.2 > 203\.0\.113\.10: ICMP echo request/);
  });

  it('the internet node has no route to any pod subnet', async () => {
    const inet = (await t.engine.inspect(masq)).internet!;
    expect(inet.routes.map((r) => r.dst)).toEqual([expect.stringMatching(/^198\.18\.\d+\.0\/24$/)]);
  });
});
