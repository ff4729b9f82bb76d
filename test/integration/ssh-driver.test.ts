// The SSH driver on three "VMs" (containers from the node image running a
// real sshd with fresh host keys): the vxlan and host-gw labs come up over
// SSH and pods ping across; `down` leaves the machines exactly as they were
// (listed over SSH); a changed host key is refused; a machine without
// iptables gets the prerequisite error; a machine whose sshd dies shows as
// unreachable and is reconnected when it is back.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, isPodnetError, type Engine } from '../../src/engine/index';
import { KnownHosts } from '../../src/engine/drivers/ssh/known-hosts';
import { SshDriver } from '../../src/engine/drivers/ssh/ssh-driver';
import { LabRegistry } from '../../src/engine/registry/lab-registry';
import type { Snapshot } from '../../src/shared/snapshot';
import { expectCancelEndsRemote, expectStreamedCapture, expectFlannelVxlan, expectHostGw, expectPing, expectPublished, expectTerminal, hostIn } from '../helpers/lab-behaviours';
import { dockerProblem, skipFor } from '../helpers/prerequisites';
import { machineStateOverSsh, startVms, type Vm, type VmFleet } from '../helpers/ssh-vms';

const RESOURCES = new URL('../../resources', import.meta.url).pathname;
const problem = await dockerProblem();

function sshHost(vm: Vm, keyFile: string, o: { user?: string; iface?: string } = {}): string {
  const fields = [`address: ${vm.ip}`, `user: ${o.user ?? 'root'}`, `identityFile: ${keyFile}`, ...(o.iface ? [`iface: ${o.iface}`] : [])];
  return `    ssh: { ${fields.join(', ')} }`;
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

describe.skipIf(skipFor(problem, 'ssh driver'))('ssh driver on three VMs', () => {
  let fleet: VmFleet;
  let engine: Engine;
  let stateDir: string;
  let vm1: Vm, vm2: Vm, vm3: Vm;
  /** Each machine as it was before any lab, listed over SSH. */
  const before = new Map<string, string>();
  const knownHosts = () => join(stateDir, 'known_hosts');
  const expectAsBefore = (vm: Vm) => expect(machineStateOverSsh(vm, fleet.keyFile, knownHosts())).toBe(before.get(vm.name));

  const vxlanLab = () => `name: drv-ssh-vxlan
driver: ssh
hosts:
  - name: vm1
${sshHost(vm1, fleet.keyFile)}
    pods: [a, b]
  - name: vm2
${sshHost(vm2, fleet.keyFile, { user: 'lab' })}
    pods:
      - { name: b, ip: 10.2.3.10, serve: 80 }
network: { mode: pod-cidr, cidr: 10.2.0.0/16, leases: { vm1: 10.2.1.0/24, vm2: 10.2.3.0/24 }, backend: vxlan }
`;

  beforeAll(async () => {
    fleet = await startVms('drv-ssh', 3);
    [vm1, vm2, vm3] = fleet.vms as [Vm, Vm, Vm];
    stateDir = mkdtempSync(join(tmpdir(), 'drv-ssh-state-'));
    engine = createEngine({ resourcesDir: RESOURCES, stateDir, hostKeys: { acceptNew: false } });
    for (const vm of fleet.vms) before.set(vm.name, machineStateOverSsh(vm, fleet.keyFile, join(fleet.dir, 'baseline_known_hosts'), { acceptNew: true }));
  }, 120_000);

  afterAll(async () => {
    await engine?.down('drv-ssh-vxlan').catch(() => undefined);
    await engine?.down('drv-ssh-hostgw').catch(() => undefined);
    await engine?.down('drv-ssh-docker0').catch(() => undefined);
    await engine?.dispose();
    await fleet?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses a machine whose host key is not known, showing its fingerprint, and creates nothing', async () => {
    const e = await rejection(engine.up({ text: vxlanLab(), file: 'vxlan.yaml' }));
    expect(e.code).toBe('E_HOST_KEY');
    expect(e.message).toMatch(/is not known yet: ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}/);
    expect(e.hint).toMatch(/--accept-new-host-keys/);
    expect(existsSync(knownHosts())).toBe(false);
    expect((await fleet.sh(vm1, 'ls /run/podnet 2>/dev/null | wc -l')).stdout.trim()).toBe('0');
  });

  it('vxlan lab over SSH (root, and a user with sudo): pods ping across the machines', async () => {
    const consenting = createEngine({ resourcesDir: RESOURCES, stateDir, hostKeys: { acceptNew: true } });
    try {
      const r = await consenting.up({ text: vxlanLab(), file: 'vxlan.yaml' });
      expect(r.snapshot.hosts.map((h) => h.underlayIp)).toEqual([vm1.ip, vm2.ip]);
    } finally {
      await consenting.dispose();
    }
    expect(readFileSync(knownHosts(), 'utf8')).toMatch(new RegExp(`^${vm1.ip.replace(/\./g, '\\.')} ssh-ed25519 `, 'm'));
    await expectPing(engine, 'drv-ssh-vxlan', 'vm1/a', 'vm2/b', true);
    await expectPing(engine, 'drv-ssh-vxlan', 'vm2/b', 'vm1/b', true);
    const s = await engine.inspect('drv-ssh-vxlan');
    // The same flannel state as docs/networking.md §5.4, under the names of a shared machine.
    expectFlannelVxlan(s, { device: 'pn-flannel.1' });
    expect(hostIn(s, 'vm1').interfaces.find((i) => i.name === 'pn-cni0')?.addresses[0]).toMatchObject({ address: '10.2.1.1', prefixLen: 24 });
    expect(hostIn(s, 'vm2').iptables.nat).toContain('-A POSTROUTING -m comment --comment "flanneld masq" -j PN-FLANNEL-POSTRTG');
    expect(hostIn(s, 'vm2').pods.map((p) => p.name)).toEqual(['b']);
    const env = await engine.exec('drv-ssh-vxlan', 'vm2', ['cat', '/run/podnet/lab/flannel/subnet.env']);
    expect(env.stdout).toContain('FLANNEL_SUBNET=10.2.3.1/24');
    const web = await engine.exec('drv-ssh-vxlan', 'vm1/a', ['curl', '-s', '-m', '3', 'http://10.2.3.10/']);
    expect(web.stdout).toMatch(/hello from b \(vm2,/);
    // The packet's path over SSH: the machines' prefixed names, hops ordered by causality (not the machines' clocks).
    const p = await engine.packetPath('drv-ssh-vxlan', 'vm1/a', 'vm2/b:80', { protocol: 'tcp' });
    expect(p.ok).toBe(true);
    expect(p.trace!.errors).toEqual([]);
    expect(p.trace!.cleanup.verified).toBe(true);
    const vm1Why = p.trace!.hops.find((h) => h.node === 'vm1' && h.leg === 'request')!;
    expect(vm1Why.route).toContain('route: 10.2.3.0/24 via 10.2.3.0 dev pn-flannel.1 onlink');
    expect(vm1Why.rules.map((r) => r.rule)).toContain('-A PN-FLANNEL-FWD -s 10.2.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT');
    expect(p.request.hops.map((h) => h.node)).toEqual(['vm1/a', 'vm1', 'vm1', 'vm2', 'vm2', 'vm2/b']);
    await expectTerminal(engine, 'drv-ssh-vxlan', 'vm2/b');
    await expectCancelEndsRemote(engine, 'drv-ssh-vxlan', 'vm1/a');
    await expectCancelEndsRemote(engine, 'drv-ssh-vxlan', 'vm2'); // as a sudo user
    const driver = new SshDriver({ registry: new LabRegistry(stateDir), known: new KnownHosts(knownHosts()), policy: { acceptNew: false } });
    try {
      await expectStreamedCapture(driver, 'drv-ssh-vxlan', 'vm2', 'eth0', () => expectPing(engine, 'drv-ssh-vxlan', 'vm1/a', 'vm2/b', true));
    } finally {
      await driver.dispose();
    }
  });

  it('shows a machine whose sshd died as unreachable, and reconnects when it is back', async () => {
    const snapshots: Snapshot[] = [];
    const stop = engine.watch('drv-ssh-vxlan', (s) => snapshots.push(s));
    const waitFor = async (what: string, ok: (s: Snapshot) => boolean) => {
      for (let i = 0; i < 300; i++) {
        if (snapshots.length && ok(snapshots[snapshots.length - 1]!)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for: ${what}`);
    };
    const vm2Reachable = (s: Snapshot) => s.hosts.find((h) => h.name === 'vm2')?.reachable;
    try {
      await waitFor('vm2 observed', (s) => vm2Reachable(s) === true);
      await fleet.killSshd(vm2);
      await waitFor('vm2 unreachable', (s) => vm2Reachable(s) === false && s.hosts.find((h) => h.name === 'vm1')?.reachable === true);
      await fleet.startSshd(vm2);
      await waitFor('vm2 back', (s) => vm2Reachable(s) === true && (s.hosts.find((h) => h.name === 'vm2')?.pods.length ?? 0) === 1);
    } finally {
      stop();
    }
    await expectPing(engine, 'drv-ssh-vxlan', 'vm1/a', 'vm2/b', true);
  }, 60_000);

  it('down leaves no namespace, link, route, rule or file on the machines (listed over SSH)', async () => {
    // Lab state is in /run/podnet/lab on each machine; its removal script undoes exactly the manifest.
    const manifest = await engine.exec('drv-ssh-vxlan', 'vm1', ['cat', '/run/podnet/lab/manifest.json']);
    expect(JSON.parse(manifest.stdout)).toMatchObject({ lab: 'drv-ssh-vxlan', netns: ['pn-a', 'pn-b'], links: expect.arrayContaining(['pn-cni0', 'pn-flannel.1']) });
    const removed = await engine.down('drv-ssh-vxlan');
    expect(removed).toEqual(expect.arrayContaining(['vm1: netns pn-a', 'vm2: link pn-flannel.1', 'vm2: chain -t nat PN-FLANNEL-POSTRTG']));
    for (const vm of [vm1, vm2]) expectAsBefore(vm);
    expect((await engine.list()).some((l) => l.name === 'drv-ssh-vxlan')).toBe(false);
  });

  it('host-gw lab on the machines\' own L2 (iface eth1): routes via the peers, pods ping; down restores every machine', async () => {
    const consenting = createEngine({ resourcesDir: RESOURCES, stateDir, hostKeys: { acceptNew: true } });
    const lab = `name: drv-ssh-hostgw
driver: ssh
hosts:
${fleet.vms.map((vm) => `  - name: ${vm.name}\n${sshHost(vm, fleet.keyFile, { iface: 'eth1' })}\n    pods: [a]`).join('\n')}
network: { mode: pod-cidr, cidr: 10.2.0.0/16, backend: host-gw }
`;
    try {
      await consenting.up({ text: lab, file: 'hostgw.yaml' });
    } finally {
      await consenting.dispose();
    }
    const s = await engine.inspect('drv-ssh-hostgw');
    expect(s.hosts.map((h) => h.underlayIp)).toEqual(fleet.vms.map((vm) => vm.l2Ip));
    expectHostGw(s, 'eth1');
    await expectPing(engine, 'drv-ssh-hostgw', 'vm1/a', 'vm3/a', true);
    await expectPing(engine, 'drv-ssh-hostgw', 'vm3/a', 'vm2/a', true);
    await engine.down('drv-ssh-hostgw');
    for (const vm of fleet.vms) expectAsBefore(vm);
  });

  it('docker0 lab with publishing on real machines: prefixed DOCKER chains; down restores the FORWARD policy', async () => {
    const policy = (vm: Vm) => fleet.sh(vm, 'iptables -S FORWARD | head -1').then((r) => r.stdout.trim());
    const was = await policy(vm2);
    const lab = `name: drv-ssh-docker0
driver: ssh
hosts:
  - name: vm1
${sshHost(vm1, fleet.keyFile)}
    pods: [client]
  - name: vm2
${sshHost(vm2, fleet.keyFile, { user: 'lab' })}
    pods: [{ name: web, serve: 80 }]
network: { mode: docker0 }
publish:
  - { host: vm2, port: 8080, to: web, toPort: 80 }
`;
    await engine.up({ text: lab, file: 'docker0.yaml' });
    expect(await policy(vm2)).toBe('-P FORWARD DROP');
    await expectPublished(engine, 'drv-ssh-docker0', { client: 'vm1/client', host: 'vm2', port: 8080, answer: /hello from web \(vm2,/, chain: 'PN-DOCKER' });
    await engine.down('drv-ssh-docker0');
    expect(await policy(vm2)).toBe(was);
    for (const vm of [vm1, vm2]) expectAsBefore(vm);
  });

  it('refuses a machine whose host key changed', async () => {
    await fleet.newHostKeys(vm3);
    const lab = `name: drv-ssh-changed\ndriver: ssh\nhosts:\n  - name: vm3\n${sshHost(vm3, fleet.keyFile)}\n    pods: 1\n`;
    const e = await rejection(engine.up({ text: lab, file: 'changed.yaml' }));
    expect(e.code).toBe('E_HOST_KEY');
    expect(e.message).toMatch(/host key of vm3 \(.*\) has CHANGED/);
    expect(e.hint).toMatch(/ssh-keygen -R/);
    expect((await fleet.sh(vm3, 'ls /run/podnet 2>/dev/null | wc -l')).stdout.trim()).toBe('0');
  });

  it('tells exactly what a machine is missing (iptables) and creates nothing anywhere', async () => {
    await fleet.sh(vm2, 'mv /usr/sbin/iptables /usr/sbin/iptables.away');
    try {
      const e = await rejection(engine.up({ text: vxlanLab(), file: 'vxlan.yaml' }));
      expect(isPodnetError(e)).toBe(true);
      expect(e.message).toContain('vm2: missing iptables (install: iptables)');
      expect(e.message).not.toContain('vm1:');
      for (const vm of [vm1, vm2]) expect((await fleet.sh(vm, 'ls /run/podnet 2>/dev/null | wc -l')).stdout.trim()).toBe('0');
    } finally {
      await fleet.sh(vm2, 'mv /usr/sbin/iptables.away /usr/sbin/iptables');
    }
  });

  it('down by lab file removes an ssh lab this machine does not know (another laptop started it)', async () => {
    await engine.up({ text: vxlanLab(), file: 'vxlan.yaml' });
    const elsewhere = mkdtempSync(join(tmpdir(), 'drv-ssh-other-'));
    copyFileSync(knownHosts(), join(elsewhere, 'known_hosts'));
    const other = createEngine({ resourcesDir: RESOURCES, stateDir: elsewhere });
    try {
      expect(await other.down('drv-ssh-vxlan')).toEqual([]);
      const removed = await other.downSource({ text: vxlanLab(), file: 'vxlan.yaml' });
      expect(removed).toContain('vm2: netns pn-b');
    } finally {
      await other.dispose();
      rmSync(elsewhere, { recursive: true, force: true });
    }
    for (const vm of [vm1, vm2]) expectAsBefore(vm);
    // This machine's registry still named it: down finds nothing left and forgets it.
    expect(await engine.down('drv-ssh-vxlan')).toEqual([]);
    expect((await engine.list()).some((l) => l.name === 'drv-ssh-vxlan')).toBe(false);
  });

  it('a lab another user built on the machines is theirs: `up` of the same name and `down` leave it alone, unless --force', async () => {
    await engine.up({ text: vxlanLab(), file: 'vxlan.yaml' });
    // As another user left it: the machines' manifests name them as its owner, and this user's registry does not know it.
    for (const vm of [vm1, vm2]) await fleet.sh(vm, `sed -i 's/^  "owner": ".*",$/  "owner": "ana@elsewhere",/' /run/podnet/lab/manifest.json`);
    const elsewhere = mkdtempSync(join(tmpdir(), 'drv-ssh-mine-'));
    copyFileSync(knownHosts(), join(elsewhere, 'known_hosts'));
    const mine = createEngine({ resourcesDir: RESOURCES, stateDir: elsewhere });
    try {
      const up = await rejection(mine.up({ text: vxlanLab(), file: 'vxlan.yaml' }));
      expect(up.message).toContain('vm1: it holds lab drv-ssh-vxlan of ana@elsewhere, not yours');
      const down = await rejection(mine.downSource({ text: vxlanLab(), file: 'vxlan.yaml' }));
      expect(down).toMatchObject({ code: 'E_LAB_OWNED', message: expect.stringMatching(/lab drv-ssh-vxlan belongs to ana@elsewhere, not to you/) });
      // Untouched: still pinging.
      await expectPing(engine, 'drv-ssh-vxlan', 'vm1/a', 'vm2/b', true);
      expect(await mine.downSource({ text: vxlanLab(), file: 'vxlan.yaml' }, { force: true })).toContain('vm2: netns pn-b');
    } finally {
      await mine.dispose();
      rmSync(elsewhere, { recursive: true, force: true });
    }
    for (const vm of [vm1, vm2]) expectAsBefore(vm);
    expect(await engine.down('drv-ssh-vxlan')).toEqual([]);
  });
});
