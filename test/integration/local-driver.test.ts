// The local driver (network namespaces on this machine, no Docker) held to
// the same behaviours as the Docker driver: cross-host pings, the flannel
// VXLAN state, host-gw, publishing, masquerade, terminals — and a teardown
// that leaves no namespace, mount, process, link or rule behind.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDriver } from '../../src/engine/drivers/local/local-driver';
import { localProblems } from '../../src/engine/drivers/local/local-preflight';
import { createEngine, type Engine } from '../../src/engine/index';
import { expectCancelEndsRemote, expectStreamedCapture, expectFlannelVxlan, expectHostGw, expectMasquerade, expectPing, expectPublished, expectTerminal, hostIn } from '../helpers/lab-behaviours';
import { builtinLab } from '../helpers/lab-fixture';
import { skipFor } from '../helpers/prerequisites';

const RESOURCES = new URL('../../resources', import.meta.url).pathname;
const LOCAL = ['driver: local'];
const PODNET = new URL('../../bin/podnet.js', import.meta.url).pathname;

/** Everything of a lab the machine could still hold. */
function leftovers(lab: string): string[] {
  const found: string[] = [];
  found.push(...readdirSync('/run/netns').filter((n) => n.startsWith(`podnet.${lab}.`)).map((n) => `netns ${n}`));
  if (existsSync(`/run/podnet/local/${lab}`)) found.push(`folder /run/podnet/local/${lab}`);
  found.push(...readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`/${lab}/`) || l.includes(`podnet.${lab}.`)).map((l) => `mount ${l}`));
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`PODNET_LAB=${lab}`)) found.push(`process ${pid}`);
    } catch {
      /* gone, or not ours to read */
    }
  }
  // The machine's own namespace never gets anything from a local lab.
  const rules = execFileSync('iptables-save', { encoding: 'utf8' }).split('\n').filter((l) => /FLANNEL|cni0|flannel\.1/.test(l));
  found.push(...rules.map((r) => `root-namespace rule ${r}`));
  return found;
}

describe.skipIf(skipFor(localProblems().join('; '), 'local driver'))('local driver (namespaces on this machine)', () => {
  let engine: Engine;
  let stateDir: string;
  const running = new Set<string>();

  const up = async (file: string, name: string) => {
    running.add(name);
    const r = await engine.up({ text: builtinLab(`${file}.yaml`, name, LOCAL), file: `${file}.yaml` });
    expect(r.snapshot.hosts.every((h) => h.reachable)).toBe(true);
    return r;
  };
  const down = async (name: string) => {
    const removed = await engine.down(name);
    running.delete(name);
    expect(removed).toContain(`podnet.${name}.underlay`);
    expect(leftovers(name)).toEqual([]);
  };

  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'drv-local-state-'));
    engine = createEngine({ resourcesDir: RESOURCES, stateDir });
  });

  afterAll(async () => {
    for (const name of running) await engine.down(name).catch(() => undefined);
    await engine.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('flannel vxlan: pods ping across hosts, and each host holds flannel.1 exactly as flanneld sets it', async () => {
    const lab = 'drv-loc-vxlan';
    const r = await up('flannel-vxlan', lab);
    expect(r.elapsedMs).toBeLessThan(5000);
    await expectPing(engine, lab, 'host1/a', 'host2/b', true);
    await expectPing(engine, lab, 'host2/c', 'host1/b', true);
    const s = await engine.inspect(lab);
    expectFlannelVxlan(s);
    expect(hostIn(s, 'host1').interfaces.find((i) => i.name === 'cni0')?.addresses[0]).toMatchObject({ address: '10.2.1.1', prefixLen: 24 });
    const env = await engine.exec(lab, 'host1', ['cat', '/run/flannel/subnet.env']);
    expect(env.stdout).toBe('FLANNEL_NETWORK=10.2.0.0/16\nFLANNEL_SUBNET=10.2.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
    // Each host is its own machine: its own hostname, its own pods in `ip netns list`, its own /etc.
    const who = await engine.exec(lab, 'host2', ['sh', '-c', 'hostname; ip netns list | cut -d" " -f1 | sort | tr "\\n" " "; cat /etc/podnet/lab.json | grep -c host2']);
    expect(who.stdout).toBe('host2\nb c 1\n');
    expect(existsSync('/etc/podnet')).toBe(false);
    // The CNI plugins' files are each host's own, and none of this machine's.
    const leases = await Promise.all(['host1', 'host2'].map((h) => engine.exec(lab, h, ['ls', '/var/lib/cni/networks/cbr0'])));
    expect(leases.map((l) => l.stdout.split('\n').filter((f) => /^10\./.test(f)))).toEqual([['10.2.1.2', '10.2.1.3'], ['10.2.3.10', '10.2.3.2']]);
    expect(existsSync('/var/lib/cni/networks/cbr0/10.2.1.2')).toBe(false);
    expect(existsSync('/etc/cni/net.d/10-flannel.conflist')).toBe(false);
    await expectTerminal(engine, lab, 'host1/a');
    await expectCancelEndsRemote(engine, lab, 'host2/b');
    await expectStreamedCapture(new LocalDriver(), lab, 'host1', 'eth0', () => expectPing(engine, lab, 'host1/a', 'host2/b', true));
    // The packet's path is traced here too (nft and conntrack of this machine, in the hosts' namespaces).
    const p = await engine.packetPath(lab, 'host1/a', 'host2/b:80', { protocol: 'tcp' });
    expect(p.trace!.errors).toEqual([]);
    expect(p.trace!.cleanup.verified).toBe(true);
    const host1 = p.trace!.hops.find((h) => h.node === 'host1' && h.leg === 'request')!;
    expect(host1.route).toContain('route: 10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink');
    expect(host1.rules.map((r) => r.rule)).toContain('-A FLANNEL-FWD -s 10.2.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT');
    await down(lab);
  });

  it('pod-cidr without an overlay: pods on one host talk, across hosts they cannot', async () => {
    const lab = 'drv-loc-podcidr';
    await up('pod-cidr', lab);
    await expectPing(engine, lab, 'host1/a', 'host1/b', true);
    await expectPing(engine, lab, 'host1/a', 'host2/b', false);
    await down(lab);
  });

  it('host-gw: one route per peer lease via its underlay address, MTU 1500, pods ping across', async () => {
    const lab = 'drv-loc-hostgw';
    await up('flannel-host-gw', lab);
    const s = await engine.inspect(lab);
    expectHostGw(s);
    expect(hostIn(s, 'host1').pods.find((p) => p.name === 'a')?.interfaces.find((i) => i.name === 'eth0')?.mtu).toBe(1500);
    await expectPing(engine, lab, 'host1/a', 'host2/b', true);
    await down(lab);
  });

  it('port publishing: host2:8080 reaches the web container through the DOCKER chain', async () => {
    const lab = 'drv-loc-publish';
    await up('port-publish', lab);
    await expectPublished(engine, lab, { client: 'host1/client', host: 'host2', port: 8080, answer: /hello from web \(host2,/ });
    await down(lab);
  });

  it('docker0: both hosts use 172.17.0.0/16, containers on one host talk over docker0', async () => {
    const lab = 'drv-loc-docker0';
    await up('docker0', lab);
    const s = await engine.inspect(lab);
    for (const h of ['host1', 'host2']) expect(hostIn(s, h).interfaces.find((i) => i.name === 'docker0')?.addresses[0]).toMatchObject({ address: '172.17.0.1', prefixLen: 16 });
    await expectPing(engine, lab, 'host1/c1', '172.17.0.3', true);
    await down(lab);
  });

  it('masquerade: a pod reaches the lab internet only through FLANNEL-POSTRTG', async () => {
    const lab = 'drv-loc-masq';
    await up('masquerade', lab);
    await expectMasquerade(engine, lab, 'host1/a');
    await down(lab);
  });

  it('three hosts: a full VXLAN mesh', async () => {
    const lab = 'drv-loc-three';
    await up('three-hosts', lab);
    expectFlannelVxlan(await engine.inspect(lab));
    await expectPing(engine, lab, 'host1/a', 'host3/a', true);
    await down(lab);
  });

  it('runs any lab file locally from the command line: podnet up --driver local', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drv-cli-'));
    const file = join(dir, 'lab.yaml');
    writeFileSync(file, builtinLab('flannel-vxlan.yaml', 'drv-loc-cli'));
    const podnet = (...args: string[]) => spawnSync(PODNET, args, { encoding: 'utf8', env: { ...process.env, PODNET_STATE_DIR: stateDir } });
    try {
      running.add('drv-loc-cli');
      const up = podnet('up', '--driver', 'local', file);
      expect(up.status, up.stderr).toBe(0);
      expect(podnet('ls').stdout).toMatch(/^drv-loc-cli {2}running {2}local {2}pod-cidr\/vxlan/m);
      expect(podnet('ping', 'drv-loc-cli', 'host1/a', 'host2/b', '-c', '1').status).toBe(0);
      expect(podnet('down', 'drv-loc-cli').stdout).toContain('removed lab drv-loc-cli');
      running.delete('drv-loc-cli');
      expect(leftovers('drv-loc-cli')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gc removes a half-built lab whose builder is gone', async () => {
    const lab = 'drv-loc-gc';
    await up('pod-cidr', lab);
    // As if the process that built it had crashed before it was ready.
    const record = `/run/podnet/local/${lab}/lab.json`;
    const rec = JSON.parse(readFileSync(record, 'utf8'));
    execFileSync('sh', ['-c', `cat > ${record}`], { input: JSON.stringify({ ...rec, status: 'building', builder: 'elsewhere:1' }) });
    // The local driver's own gc (engine.gc() would also sweep every other driver's labs on this machine).
    const { removed } = await new LocalDriver().collectGarbage();
    expect(removed).toContain(lab);
    running.delete(lab);
    expect(leftovers(lab)).toEqual([]);
  });
});
