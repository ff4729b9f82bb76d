// The SSH driver's edges on a real sshd "VM" (a container from the node
// image running sshd): publishing the port the machine's sshd listens on is
// refused before anything is built (the DNAT rule would send every new SSH
// login, `podnet down` included, into the pod), and an identity file that
// is not a key file (/dev/zero, a FIFO) is a clear, immediate input error;
// Podnet's own commands there have a deadline.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index';
import { KnownHosts } from '../../src/engine/drivers/ssh/known-hosts';
import { SshConnection } from '../../src/engine/drivers/ssh/ssh-connection';
import { podnet } from '../helpers/cli';
import { dockerProblem, skipFor } from '../helpers/prerequisites';
import { machineStateOverSsh, startVms, type Vm, type VmFleet } from '../helpers/ssh-vms';

const RESOURCES = new URL('../../resources', import.meta.url).pathname;
const problem = await dockerProblem();

describe.skipIf(skipFor(problem, 'ssh driver'))('ssh driver: what is refused before anything is built', () => {
  let fleet: VmFleet;
  let vm: Vm;
  let engine: Engine;
  let stateDir: string;
  let before: string;

  const lab = (o: { identityFile: string; publishPort?: number }) => `name: ssh-bounds
driver: ssh
hosts:
  - name: vm1
    ssh: { address: ${vm.ip}, identityFile: ${o.identityFile} }
    pods:
      - { name: b, serve: 80 }
network: { mode: pod-cidr, cidr: 10.2.0.0/16, backend: none }
${o.publishPort ? `publish:\n  - { host: vm1, port: ${o.publishPort}, to: b, toPort: 80 }\n` : ''}`;

  beforeAll(async () => {
    fleet = await startVms('ssh-bounds', 1, { l2Net: 78 });
    vm = fleet.vms[0]!;
    stateDir = mkdtempSync(join(tmpdir(), 'ssh-bounds-state-'));
    engine = createEngine({ resourcesDir: RESOURCES, stateDir, hostKeys: { acceptNew: true } });
    before = machineStateOverSsh(vm, fleet.keyFile, join(fleet.dir, 'baseline_known_hosts'), { acceptNew: true });
  }, 120_000);

  afterAll(async () => {
    await engine?.down('ssh-bounds').catch(() => undefined);
    await engine?.dispose();
    await fleet?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses to publish port 22 where sshd listens, naming it, and leaves the machine as it was', async () => {
    const e = await engine.up({ text: lab({ identityFile: fleet.keyFile, publishPort: 22 }), file: 'ssh-bounds.yaml' }).then(
      () => null,
      (x: Error) => x,
    );
    expect(e?.message).toContain('vm1: it already listens on tcp port 22 (sshd, the SSH server Podnet logs in through)');
    expect(e?.message).toContain('SSH logins too, `podnet down` included');
    expect((await fleet.sh(vm, 'ls /run/podnet 2>/dev/null | wc -l')).stdout.trim()).toBe('0');
    // New SSH logins still reach the machine's own sshd, and nothing changed there.
    expect(machineStateOverSsh(vm, fleet.keyFile, join(fleet.dir, 'baseline_known_hosts'))).toBe(before);
  });

  it('builds the same lab publishing another port', async () => {
    await engine.up({ text: lab({ identityFile: fleet.keyFile, publishPort: 8080 }), file: 'ssh-bounds.yaml' });
    expect((await engine.exec('ssh-bounds', 'vm1', ['iptables-save', '-t', 'nat'])).stdout).toMatch(/--dport 8080 -j DNAT/);
    await engine.down('ssh-bounds');
    expect(machineStateOverSsh(vm, fleet.keyFile, join(fleet.dir, 'baseline_known_hosts'))).toBe(before);
  });

  it('ends one of its own commands that does not finish in time, with a message, and the connection stays usable', async () => {
    const conn = new SshConnection({ host: 'vm1', address: vm.ip, port: 22, user: 'root', identityFile: fleet.keyFile, iface: null }, { known: new KnownHosts(join(stateDir, 'known_hosts')), policy: { acceptNew: true } });
    try {
      const started = Date.now();
      await expect(conn.exec('sleep 30', { timeoutMs: 500 })).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE', message: `vm1 (root@${vm.ip}) did not finish a command within 500 ms` });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await conn.exec('echo still here')).stdout).toBe('still here\n');
    } finally {
      conn.close();
    }
  });

  it('identityFile /dev/zero or a FIFO: a clear input error at once (exit 2), never a hang or a full memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssh-bounds-lab-'));
    try {
      const fifo = join(dir, 'key.fifo');
      execFileSync('mkfifo', [fifo]);
      for (const [identityFile, what] of [
        ['/dev/zero', 'it is a character device, not a regular file'],
        ['key.fifo', 'it is a FIFO (named pipe), not a regular file'],
      ] as const) {
        const file = join(dir, 'lab.yaml');
        writeFileSync(file, lab({ identityFile }));
        const r = await podnet(['up', file, '--accept-new-host-keys'], { PODNET_STATE_DIR: stateDir, SSH_AUTH_SOCK: '' }, { killAfterMs: 20_000 });
        expect(r.code, r.stderr).toBe(2);
        // A relative path is read from the lab file's folder.
        expect(r.stderr).toContain(`vm1: ssh.identityFile ${identityFile === 'key.fifo' ? fifo : identityFile} cannot be used: ${what}`);
      }
      expect((await fleet.sh(vm, 'ls /run/podnet 2>/dev/null | wc -l')).stdout.trim()).toBe('0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
