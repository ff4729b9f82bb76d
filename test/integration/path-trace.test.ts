// `podnet path` with the kernel's reasons, on one real lab shared by every
// case (flannel VXLAN, masquerade, the internet node and host2:8080
// published to host2/b:80): the route into flannel.1 and the fdb entry that
// chose the VTEP, a DROP rule named with its iptables-save text, Docker's
// DNAT and its reverse translation with SYN and SYN-ACK, flannel's
// MASQUERADE, a deleted fdb entry named as missing — and every namespace's
// rules the same before and after, a cancelled trace included.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index';
import type { PacketPath, PathHopWhy } from '../../src/shared/path';
import { podnet } from '../helpers/cli';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, newEngine, upLab } from '../helpers/lab-fixture';

const LAB = 'it-path-trace';
const NODES = ['host1', 'host1/a', 'host1/b', 'host2', 'host2/b', 'host2/c', 'internet'];

await describeWithDocker('podnet path: every hop explained', () => {
  let engine: Engine;
  let u1: string;
  let u2: string;
  let pristine: Map<string, string>;

  const sh = async (node: string, script: string) => {
    const r = await engine.exec(LAB, node, ['sh', '-c', script]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  /** `iptables-save` and `nft list ruleset` without dates and counters. */
  const rules = async (node: string) =>
    (await sh(node, 'iptables-save; echo ---; nft list ruleset'))
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.replace(/ \[\d+:\d+\]$/, '').replace(/counter packets \d+ bytes \d+/g, 'counter'))
      .join('\n');
  const allRules = async () => new Map(await Promise.all(NODES.map(async (n) => [n, await rules(n)] as const)));
  const why = (p: PacketPath, node: string, leg: 'request' | 'reply' = 'request'): PathHopWhy => {
    const w = p.trace!.hops.find((h) => h.node === node && h.leg === leg);
    expect(w, `${leg} at ${node}`).toBeDefined();
    return w!;
  };
  const ruleTexts = (w: PathHopWhy) => w.rules.map((r) => r.rule);

  beforeAll(async () => {
    engine = newEngine();
    const text = builtinLab('flannel-vxlan.yaml', LAB, ['internet: true', 'publish:', '  - { host: host2, port: 8080, to: b, toPort: 80, protocol: tcp }']);
    await upLab(engine, text);
    const hosts = (await engine.inspect(LAB)).hosts;
    u1 = hosts.find((h) => h.name === 'host1')!.underlayIp!;
    u2 = hosts.find((h) => h.name === 'host2')!.underlayIp!;
    pristine = await allRules();
  });
  afterAll(async () => {
    await engine?.down(LAB);
    await engine?.dispose();
  });

  it('a ping across hosts names the route into flannel.1, its neighbour and the fdb entry with the remote VTEP', async () => {
    const p = await engine.packetPath(LAB, 'host1/a', 'host2/b');
    expect(p.ok).toBe(true);
    expect(p.protocol).toBe('icmp');
    const host1 = why(p, 'host1');
    expect(host1.route).toContain('route: 10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink');
    expect(host1.route.find((l) => l.startsWith('fdb: '))).toMatch(new RegExp(`^fdb: \\S+ dev flannel.1 dst ${u2.replace(/\./g, '\\.')} `));
    expect(host1.route.some((l) => /^neighbour: 10\.2\.3\.0 dev flannel\.1 lladdr \S+ PERMANENT/.test(l))).toBe(true);
    expect(host1).toMatchObject({ iif: 'cni0', oif: 'flannel.1', fate: 'passed' });
    expect(ruleTexts(host1)).toContain('-A FLANNEL-FWD -s 10.2.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT');
    // Both legs, in causal order, each namespace once per leg.
    expect(p.trace!.hops.map((h) => `${h.leg} ${h.node}`)).toEqual(['request host1/a', 'request host1', 'request host2', 'request host2/b', 'reply host2/b', 'reply host2', 'reply host1', 'reply host1/a']);
    expect(why(p, 'host2/b').route[0]).toMatch(/delivered here$/);
    expect(p.trace!.cleanup).toEqual({ verified: true, changes: [] });
  });

  it('names a DROP inserted in host2\'s FORWARD chain by its rule text, on the hop and on the leg', async () => {
    await sh('host2', 'iptables -I FORWARD -d 10.2.3.10 -j DROP');
    try {
      const p = await engine.packetPath(LAB, 'host1/a', 'host2/b');
      expect(p.ok).toBe(false);
      expect(p.trace!.stop).toMatchObject({ node: 'host2', leg: 'request', kind: 'rule', text: 'host2: dropped by filter FORWARD rule 1: -A FORWARD -d 10.2.3.10/32 -j DROP' });
      expect(p.request.reason).toBe('host2: dropped by filter FORWARD rule 1: -A FORWARD -d 10.2.3.10/32 -j DROP');
      expect(why(p, 'host2').fate).toBe('dropped');
      expect(p.trace!.hops.some((h) => h.node === 'host2/b')).toBe(false);

      // The same for TCP, through the CLI: the drop's text on stdout, exit 1.
      const cli = await podnet(['path', LAB, 'host1/a', 'host2/b:80']);
      expect(cli.code, cli.stderr).toBe(1);
      expect(cli.stdout).toContain('stopped: host2: dropped by filter FORWARD rule 1: -A FORWARD -d 10.2.3.10/32 -j DROP');
      expect(cli.stdout).toMatch(/^path of one TCP connection/);
    } finally {
      await sh('host2', 'iptables -D FORWARD -d 10.2.3.10 -j DROP');
    }
  });

  it('tcp to a published port names Docker\'s DNAT on host2 and the translation both ways; the SYN and the SYN-ACK', async () => {
    const p = await engine.packetPath(LAB, 'host1/a', 'host2:8080');
    expect(p.ok).toBe(true);
    expect(p).toMatchObject({ protocol: 'tcp', port: 8080, to: 'host2:8080', destination: u2 });
    const host2 = why(p, 'host2');
    expect(ruleTexts(host2)).toContain('-A DOCKER ! -i cni0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.2.3.10:80');
    // host1 masqueraded the pod's address first; host2 then rewrote the destination.
    expect(host2.nat).toMatch(new RegExp(`^${u1}:(\\d+) → ${u2}:8080 became ${u1}:\\1 → 10\\.2\\.3\\.10:80$`));
    expect(why(p, 'host2', 'reply').nat).toMatch(new RegExp(`^10\\.2\\.3\\.10:80 → ${u1}:(\\d+) became ${u2}:8080 → ${u1}:\\1$`));
    expect(why(p, 'host2/b').packet).toMatch(/^tcp .* → 10\.2\.3\.10:80 \[syn\]$/);
    expect(why(p, 'host1/a', 'reply').packet).toMatch(new RegExp(`^tcp ${u2}:8080 → 10\\.2\\.1\\.2:\\d+ \\[syn,ack\\]$`));
    expect(p.request.reached && p.reply.reached).toBe(true);
    expect(p.request.hops.map((h) => `${h.node} ${h.direction}`)).toEqual(['host1/a out', 'host1 in', 'host1 out', 'host2 in', 'host2 out', 'host2/b in']);
    expect(p.request.hops.every((h) => h.offsetNs === null)).toBe(true);
  });

  it('the path to the internet node names flannel\'s MASQUERADE rule in FLANNEL-POSTRTG and the source it gave', async () => {
    const p = await engine.packetPath(LAB, 'host1/a', 'internet');
    expect(p.ok).toBe(true);
    const host1 = why(p, 'host1');
    expect(ruleTexts(host1)).toContain('-A FLANNEL-POSTRTG -s 10.2.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully');
    expect(host1.nat).toMatch(new RegExp(`^10\\.2\\.1\\.2 → 203\\.0\\.113\\.10 \\(icmp id \\d+\\) became ${u1.replace(/\./g, '\\.')} → 203\\.0\\.113\\.10`));
  });

  it('a deleted fdb entry is named as the missing entry where the packet stopped', async () => {
    const fdb = (await sh('host1', 'bridge fdb show dev flannel.1')).split('\n').find((l) => l.includes(`dst ${u2} `))!;
    const mac = fdb.split(' ')[0]!;
    await sh('host1', `bridge fdb del ${mac} dev flannel.1 dst ${u2} self`);
    try {
      const p = await engine.packetPath(LAB, 'host1/a', 'host2/b:80', { protocol: 'udp' });
      expect(p.ok).toBe(false);
      expect(p.trace!.stop).toMatchObject({ node: 'host1', kind: 'fdb', text: `host1: no fdb entry for ${mac} on flannel.1: the kernel does not know which host to send the VXLAN packet to` });
    } finally {
      await sh('host1', `bridge fdb add ${mac} dev flannel.1 dst ${u2} self permanent`);
    }
  });

  it('a cancelled trace leaves no mark; every namespace\'s rules are what they were before any trace', async () => {
    const abort = new AbortController();
    // A SYN into nothing (no listener on 81 answers with a reset, so DROP it) waits for its answer: cancel meanwhile.
    await sh('host2', 'iptables -I FORWARD -d 10.2.3.10 -p tcp --dport 81 -j DROP');
    try {
      const t = engine.packetPath(LAB, 'host1/a', 'host2/b:81', { signal: abort.signal });
      setTimeout(() => abort.abort(), 1500);
      await expect(t).rejects.toThrow(/cancel/i);
    } finally {
      await sh('host2', 'iptables -D FORWARD -d 10.2.3.10 -p tcp --dport 81 -j DROP');
    }
    await expect.poll(async () => (await sh('host1', 'nft list tables')).includes('podnet-trace-'), { timeout: 5000 }).toBe(false);
    expect(await allRules()).toEqual(pristine);
  });

  it('refuses a port with --icmp and a TCP path without one (exit 2, nothing traced)', async () => {
    const icmp = await podnet(['path', LAB, 'host1/a', 'host2/b:80', '--icmp']);
    expect(icmp.code).toBe(2);
    expect(icmp.stderr).toContain('a ping has no port');
    const tcp = await podnet(['path', LAB, 'host1/a', 'host2/b', '--tcp']);
    expect(tcp.code).toBe(2);
    expect(tcp.stderr).toContain('a TCP path needs a port');
  });
});
