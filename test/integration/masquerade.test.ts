import { expect, it } from 'vitest';
import { describeWithDocker } from '../helpers/docker-required';
import { fixtureRuleSet, ruleSet } from '../helpers/iptables-save';
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

  it('iptables-save -t nat and -t filter on host1 are exactly current flannel\'s rules (v0.20.2 … v0.28), in order', async () => {
    const expected = fixtureRuleSet('flannel-masquerade-host1');
    for (const table of ['nat', 'filter']) {
      const save = await t.engine.exec(masq, 'host1', ['iptables-save', '-t', table]);
      expect(save.code).toBe(0);
      expect(ruleSet(save.stdout)).toEqual({ [table]: expected[table] });
    }
  });

  it('a pod\'s packet kube-proxy marked for masquerade (0x4000) leaves FLANNEL-POSTRTG at its first rule: flannel does not NAT it', async () => {
    // The mark as kube-proxy's KUBE-MARK-MASQ sets it before routing; kube-proxy's own POSTROUTING would then masquerade it (not in this lab).
    const mark = ['PREROUTING', '-s', '10.2.1.2', '-d', '203.0.113.10', '-j', 'MARK', '--set-xmark', '0x4000/0x4000'];
    expect((await t.engine.exec(masq, 'host1', ['iptables', '-t', 'mangle', '-A', ...mark])).code).toBe(0);
    try {
      expect((await t.engine.exec(masq, 'host1', ['iptables', '-t', 'nat', '-Z', 'FLANNEL-POSTRTG'])).code).toBe(0);
      expect((await t.engine.ping(masq, 'host1/a', '203.0.113.10', { count: 1 })).ok).toBe(false);
      const list = await t.engine.exec(masq, 'host1', ['iptables', '-t', 'nat', '-L', 'FLANNEL-POSTRTG', '-n', '-v', '-x']);
      const packets = list.stdout.split('\n').slice(2).filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[0]));
      expect(packets).toHaveLength(6);
      expect(packets[0]).toBeGreaterThan(0);
      expect(packets.slice(1)).toEqual([0, 0, 0, 0, 0]);
    } finally {
      await t.engine.exec(masq, 'host1', ['iptables', '-t', 'mangle', '-D', ...mark]);
    }
  });

  it('the internet node has no route to any pod subnet', async () => {
    const inet = (await t.engine.inspect(masq)).internet!;
    expect(inet.routes.map((r) => r.dst)).toEqual([expect.stringMatching(/^198\.18\.\d+\.0\/24$/)]);
  });
});
