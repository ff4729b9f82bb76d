// Capture (engine and `podnet capture`), the saved .pcap, and the packet
// path, on a real flannel VXLAN lab and a masquerade lab.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index';
import { decodeFrame } from '../../src/engine/capture/decode-packet';
import { PCAP_MAGIC_NANOS, parsePcap } from '../../src/engine/capture/pcap';
import { podnet } from '../helpers/cli';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, newEngine, upLab } from '../helpers/lab-fixture';
import { VXLAN_REQUEST_HOPS, hopText } from '../helpers/vxlan-path';

await describeWithDocker('packet capture and the packet path', () => {
  let engine: Engine;
  let lab: string;
  let masq: string;
  let dir: string;
  let u1: string;
  let u2: string;

  beforeAll(async () => {
    engine = newEngine();
    dir = mkdtempSync(join(tmpdir(), 'podnet-capture-'));
    lab = await upLab(engine, builtinLab('flannel-vxlan.yaml', 'ex-capture'));
    masq = await upLab(engine, builtinLab('masquerade.yaml', 'ex-path-masq'));
    const hosts = (await engine.inspect(lab)).hosts;
    u1 = hosts[0]!.underlayIp!;
    u2 = hosts[1]!.underlayIp!;
  });
  afterAll(async () => {
    await engine.down(lab);
    await engine.down(masq);
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('podnet capture -w saves a .pcap of UDP 8472 packets carrying ICMP between the two pods', async () => {
    const file = join(dir, 'vxlan.pcap');
    const capture = podnet(['capture', lab, 'host1', 'eth0', '--filter', 'udp port 8472', '-c', '4', '-w', file]);
    // Ping until the capture has what it wants (it may take a moment to start listening).
    const deadline = Date.now() + 20_000;
    let done = false;
    void capture.then(() => (done = true));
    while (!done && Date.now() < deadline) await engine.ping(lab, 'host1/a', 'host2/b', { count: 1 });
    const r = await capture;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote 4 packets to ${file}`);
    expect(r.stdout).toMatch(/VNI 1 \[10\.2\.1\.2 → 10\.2\.3\.10 icmp echo request/);

    // libpcap itself reads it (what Wireshark uses), where tcpdump is installed on this machine (CI installs it).
    const host = spawnSync('tcpdump', ['-nr', file], { encoding: 'utf8' });
    if (!host.error) expect(host.stdout.match(/IP 10\.2\.\d+\.\d+ > 10\.2\.\d+\.\d+: ICMP echo/g)).toHaveLength(4);

    const bytes = readFileSync(file);
    expect(bytes.readUInt32LE(0)).toBe(PCAP_MAGIC_NANOS);
    const { header, records } = parsePcap(bytes);
    expect(header.linkType).toBe(1);
    expect(records).toHaveLength(4);
    for (const rec of records) {
      const f = decodeFrame(header.linkType, rec.data);
      expect(f.outer).toMatchObject({ protocol: 'vxlan', dstPort: 8472 });
      expect([f.outer.src, f.outer.dst].sort()).toEqual([u1, u2].sort());
      expect(f.vxlan?.inner.protocol).toBe('icmp');
      expect([f.vxlan!.inner.src, f.vxlan!.inner.dst].sort()).toEqual(['10.2.1.2', '10.2.3.10']);
    }
  });

  it('captures inside a pod and streams each packet as it comes; stop leaves no tcpdump behind', async () => {
    const seen: string[] = [];
    const session = await engine.startCapture(lab, { target: 'host2/b', iface: 'eth0', filter: 'icmp' }, { onPacket: (p) => seen.push(`${p.outer.src}>${p.outer.dst} ${p.outer.info}`) });
    await engine.ping(lab, 'host1/a', 'host2/b', { count: 2 });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.filter((l) => l.startsWith('10.2.1.2>10.2.3.10 echo request'))).toHaveLength(2);
    const summary = await session.stop();
    expect(summary).toMatchObject({ target: 'host2/b', iface: 'eth0', filter: 'icmp', reason: 'stopped', packets: 4 });
    expect(parsePcap(session.pcap()).records).toHaveLength(4);
    expect((await engine.exec(lab, 'host2', ['pgrep', '-x', 'tcpdump'])).code).toBe(1);
  });

  it('a filter is one tcpdump argument, never shell: shell syntax is a filter error (exit 2), nothing runs', async () => {
    const r = await podnet(['capture', lab, 'host1', 'eth0', '--filter', 'icmp; touch /tmp/pwned', '-c', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/syntax error/);
    expect((await engine.exec(lab, 'host1', ['test', '-e', '/tmp/pwned'])).code).toBe(1);
  });

  it('bad input exits 2: no such interface, no such lab, a bad count', async () => {
    expect((await podnet(['capture', lab, 'host1', 'flannel.9', '-c', '1'])).code).toBe(2);
    expect((await podnet(['capture', 'ex-no-such-lab', 'host1', 'eth0'])).code).toBe(2);
    expect((await podnet(['capture', lab, 'host1', 'eth0', '-c', 'many'])).code).toBe(2);
  });

  it('the path of a pod-to-pod ping across VXLAN: every hop, from captures', async () => {
    const path = await engine.packetPath(lab, 'host1/a', 'host2/b');
    expect(path).toMatchObject({ ok: true, source: '10.2.1.2', destination: '10.2.3.10' });
    expect(path.request.hops.map(hopText)).toEqual(VXLAN_REQUEST_HOPS);
    // Captured only where the observed routes, neighbour and fdb entry lead (not host1/b, host2/c).
    expect(path.observed).toEqual(['host1/a', 'host1', 'underlay', 'host2', 'host2/b']);
    expect(path.request.hops[4]!.tunnel).toEqual({ src: u1, dst: u2, port: 8472, vni: 1 });
    expect(path.reply.reached).toBe(true);
    expect(path.reply.hops.at(-1)).toMatchObject({ node: 'host1/a', direction: 'in' });
  });

  it('where the tunnel breaks (fdb entry deleted), the path says where the packet was last seen and why', async () => {
    const snap = await engine.inspect(lab);
    const mac2 = snap.hosts[1]!.interfaces.find((i) => i.name === 'flannel.1')!.mac!;
    expect((await engine.exec(lab, 'host1', ['bridge', 'fdb', 'del', mac2, 'dev', 'flannel.1', 'dst', u2, 'self'])).code).toBe(0);
    try {
      const r = await podnet(['path', lab, 'host1/a', 'host2/b', '--json']);
      expect(r.code).toBe(1);
      const path = JSON.parse(r.stdout);
      expect(path.request).toMatchObject({ reached: false, lastSeen: { node: 'host1', iface: 'flannel.1', direction: 'out' } });
      expect(path.observed).toEqual(['host1/a', 'host1']);
      // Named by the trace's route lookup where the packet stopped.
      expect(path.request.reason).toBe(`host1: no fdb entry for ${mac2} on flannel.1: the kernel does not know which host to send the VXLAN packet to`);
      expect(path.trace.stop).toMatchObject({ node: 'host1', kind: 'fdb' });
    } finally {
      await engine.exec(lab, 'host1', ['bridge', 'fdb', 'replace', mac2, 'dev', 'flannel.1', 'dst', u2, 'self', 'permanent']);
    }
  });

  it('masquerade: the path shows the rewritten source; without it, the request arrives and no reply is sent', async () => {
    const host1 = (await engine.inspect(masq)).hosts[0]!.underlayIp!;
    const good = await engine.packetPath(masq, 'host1/a', 'internet');
    expect(good.ok).toBe(true);
    expect(good.request.hops.find((h) => h.node === 'host1' && h.iface === 'eth0')).toMatchObject({ packet: { src: host1 }, note: expect.stringContaining('(masquerade)') });
    const jump = ['POSTROUTING', '-m', 'comment', '--comment', 'flanneld masq', '-j', 'FLANNEL-POSTRTG'];
    expect((await engine.exec(masq, 'host1', ['iptables', '-t', 'nat', '-D', ...jump])).code).toBe(0);
    try {
      const bad = await engine.packetPath(masq, 'host1/a', 'internet');
      expect(bad.ok).toBe(false);
      expect(bad.request).toMatchObject({ reached: true, lastSeen: { node: 'internet', packet: { src: '10.2.1.2' } } });
      expect(bad.reply).toMatchObject({ reached: false, reason: 'internet sent no reply: internet has no route to 10.2.1.2' });
    } finally {
      await engine.exec(masq, 'host1', ['iptables', '-t', 'nat', '-A', ...jump]);
    }
  });
});
