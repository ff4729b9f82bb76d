// "VMs" for the SSH driver's tests and benchmark: containers from the node
// image running a real sshd, each with its own fresh host keys and the
// test's authorized key (root, and a user `lab` with passwordless sudo).
// eth0 is on an internal Docker network (SSH only reaches them there);
// eth1 is on a lab-owned L2 segment — a bridge in a namespace of its own —
// because Docker's internal-network rules drop bridged packets whose
// addresses are outside the network (host-gw pod traffic would be).
// Nothing here can send a packet off this machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { runExec } from '../../src/engine/drivers/docker/docker-exec';
import { NODE_IMAGE } from '../../src/engine/drivers/docker/node-image';

export interface Vm {
  name: string;
  container: string;
  /** eth0: where SSH reaches it. */
  ip: string;
  /** eth1: the lab-owned L2 segment. */
  l2Ip: string;
}

export interface VmFleet {
  vms: Vm[];
  /** Private key authorized for root and `lab` on every VM. */
  keyFile: string;
  dir: string;
  /** Runs a shell command on a VM (through Docker, not SSH). */
  sh(vm: Vm, script: string): Promise<{ code: number; stdout: string; stderr: string }>;
  killSshd(vm: Vm): Promise<void>;
  startSshd(vm: Vm): Promise<void>;
  /** The machine was "reinstalled": new host keys, sshd restarted. */
  newHostKeys(vm: Vm): Promise<void>;
  stop(): Promise<void>;
}

const SETUP = `set -e
rm -f /etc/ssh/ssh_host_*
ssh-keygen -A >/dev/null
sed -i 's/^session\\s*required\\s*pam_loginuid.so/session optional pam_loginuid.so/' /etc/pam.d/sshd
mkdir -p /run/sshd /root/.ssh
echo "$PUBKEY" > /root/.ssh/authorized_keys
chmod 700 /root/.ssh; chmod 600 /root/.ssh/authorized_keys
id lab >/dev/null 2>&1 || useradd -m -s /bin/bash lab
mkdir -p /home/lab/.ssh && echo "$PUBKEY" > /home/lab/.ssh/authorized_keys
chown -R lab:lab /home/lab/.ssh && chmod 700 /home/lab/.ssh
echo 'lab ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/lab && chmod 440 /etc/sudoers.d/lab
# A real machine's root may write sysctls (a container's /proc/sys is read-only by default).
mount -o remount,rw /proc/sys 2>/dev/null || true
/usr/sbin/sshd -E /var/log/sshd.log
exec sleep infinity
`;

function waitForPort(ip: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = createConnection({ host: ip, port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd on ${ip}:${port} did not come up`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** `count` VMs named <prefix>-vm1…; eth1 addresses from 198.19.<n>.0/24 (benchmark space, never routed). */
export async function startVms(prefix: string, count: number, opts: { docker?: Docker; l2Net?: number; binds?: string[] } = {}): Promise<VmFleet> {
  const docker = opts.docker ?? new Docker();
  const tag = `${prefix}-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), `${tag}-`));
  const keyFile = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', tag, '-f', keyFile]);
  const pubkey = readFileSync(`${keyFile}.pub`, 'utf8').trim();
  const network = `${tag}-net`;
  const l2 = `${tag}-l2`;
  const l2Net = opts.l2Net ?? 77;
  const labels = { 'podnet.test': tag };
  const vms: Vm[] = [];

  const sh = async (vm: Vm, script: string) => runExec(docker, vm.container, ['sh', '-c', script]);
  const stop = async () => {
    const containers = await docker.listContainers({ all: true, filters: { label: [`podnet.test=${tag}`] } });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    await docker.getNetwork(network).remove().catch(() => undefined);
    spawnSync('ip', ['netns', 'del', l2]);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await docker.createNetwork({ Name: network, Internal: true, Labels: labels });
    execFileSync('ip', ['netns', 'add', l2]);
    execFileSync('ip', ['-n', l2, 'link', 'add', 'br0', 'type', 'bridge']);
    execFileSync('ip', ['-n', l2, 'link', 'set', 'br0', 'up']);
    for (let i = 1; i <= count; i++) {
      const name = `vm${i}`;
      const container = `${tag}-${name}`;
      const c = await docker.createContainer({
        name: container,
        Hostname: name,
        Image: NODE_IMAGE,
        Cmd: ['sh', '-c', SETUP],
        Env: [`PUBKEY=${pubkey}`],
        Labels: labels,
        HostConfig: { NetworkMode: network, CapAdd: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'], SecurityOpt: ['apparmor=unconfined'], Init: true, ...(opts.binds ? { Binds: opts.binds } : {}) },
      });
      await c.start();
      const info = await c.inspect();
      const ip = info.NetworkSettings.Networks[network]!.IPAddress;
      const pid = info.State.Pid;
      const l2Ip = `198.19.${l2Net}.${10 + i}`;
      execFileSync('ip', ['link', 'add', `p${i}`, 'netns', l2, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', String(pid)]);
      execFileSync('ip', ['-n', l2, 'link', 'set', `p${i}`, 'master', 'br0', 'up']);
      const vm = { name, container, ip, l2Ip };
      const r = await sh(vm, `ip addr add ${l2Ip}/24 dev eth1 && ip link set eth1 up`);
      if (r.code !== 0) throw new Error(`${name}: eth1: ${r.stderr}`);
      vms.push(vm);
    }
    await Promise.all(vms.map((vm) => waitForPort(vm.ip, 22, 20_000)));
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    vms,
    keyFile,
    dir,
    sh,
    stop,
    killSshd: async (vm) => {
      await sh(vm, 'pkill -9 -x sshd; true');
    },
    startSshd: async (vm) => {
      await sh(vm, '/usr/sbin/sshd -E /var/log/sshd.log');
      await waitForPort(vm.ip, 22, 10_000);
    },
    newHostKeys: async (vm) => {
      await sh(vm, 'pkill -9 -x sshd; rm -f /etc/ssh/ssh_host_*; ssh-keygen -A >/dev/null; /usr/sbin/sshd -E /var/log/sshd.log');
      await waitForPort(vm.ip, 22, 10_000);
    },
  };
}

/**
 * Lists a VM's namespaces, links, routes and iptables (rules, user chains,
 * DROP policies, per table; an empty table is not a difference) over SSH
 * (OpenSSH, with Podnet's known hosts): what `down` must leave as it found it.
 */
export function machineStateOverSsh(vm: Vm, keyFile: string, knownHosts: string, o: { acceptNew?: boolean } = {}): string {
  const script = "echo '# netns'; ip netns list; echo '# links'; ip -o link show | cut -d: -f2 | cut -d@ -f1; echo '# routes'; ip route show; echo '# iptables'; iptables-save | sed 's/ \\[[0-9]*:[0-9]*\\]$//' | awk '/^\\*/ {t=$0} /^-A |^:[^ ]+ (-|DROP)$/ {print t, $0}'; echo '# files'; ls /run/podnet 2>/dev/null; echo '# forward'; cat /proc/sys/net/ipv4/ip_forward";
  return execFileSync('ssh', ['-i', keyFile, '-o', 'BatchMode=yes', '-o', `StrictHostKeyChecking=${o.acceptNew ? 'accept-new' : 'yes'}`, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'ConnectTimeout=5', `root@${vm.ip}`, script], { encoding: 'utf8' });
}
