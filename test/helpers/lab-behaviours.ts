// What a running lab must DO and SHOW, whatever driver built it: pings that
// reply (or must not), the flannel VXLAN state of docs/networking.md §5.4, host-gw
// routes, a published port, masquerade to the lab internet. Each check
// reads the observed snapshot or runs a real command in the lab.
import { expect } from 'vitest';
import type { HostDriver } from '../../src/engine/drivers/host-driver';
import type { Engine } from '../../src/engine/index';
import type { HostState, Snapshot } from '../../src/shared/snapshot';

export function hostIn(s: Snapshot, name: string): HostState {
  const h = [...s.hosts, ...(s.internet ? [s.internet] : [])].find((x) => x.name === name);
  expect(h, `host ${name} in the snapshot`).toBeDefined();
  expect(h!.reachable, `${name} reachable (${h!.error})`).toBe(true);
  return h!;
}

export async function expectPing(engine: Engine, lab: string, from: string, to: string, replies: boolean): Promise<void> {
  const r = await engine.ping(lab, from, to, { count: replies ? 2 : 1 });
  expect(r.ok, `${from} → ${to} (${r.destination}):\n${r.output}`).toBe(replies);
}

/** flannel's vxlan backend on every host, as docs/networking.md §5.4 lists it. */
export function expectFlannelVxlan(s: Snapshot, o: { device?: string; vni?: number; port?: number; mtu?: number; underlayDev?: string } = {}): void {
  const device = o.device ?? 'flannel.1';
  for (const h of s.hosts) {
    const state = hostIn(s, h.name);
    const dev = state.interfaces.find((i) => i.name === device);
    expect(dev?.vxlan, `${h.name}: ${device}`).toMatchObject({ id: o.vni ?? 1, port: o.port ?? 8472, local: state.underlayIp, dev: o.underlayDev ?? 'eth0', learning: false });
    expect(dev!.mtu).toBe(o.mtu ?? 1450);
    for (const peer of s.hosts.filter((p) => p.name !== h.name)) {
      const peerDev = hostIn(s, peer.name).interfaces.find((i) => i.name === device)!;
      const leaseNet = peerDev.addresses.find((a) => a.family === 'inet')!.address; // 10.2.3.0 (/32)
      expect(state.fdb, `${h.name}: fdb entry for ${peer.name}`).toContainEqual(expect.objectContaining({ mac: peerDev.mac, dev: device, dst: peer.underlayIp }));
      expect(state.neighbours, `${h.name}: neighbour for ${peer.name}`).toContainEqual(expect.objectContaining({ dst: leaseNet, lladdr: peerDev.mac, dev: device, state: ['PERMANENT'] }));
      expect(state.routes.find((r) => r.gateway === leaseNet && r.dev === device && r.flags.includes('onlink')), `${h.name}: onlink route to ${peer.name}`).toBeDefined();
    }
  }
}

/** flannel's host-gw backend: each peer lease routed via the peer's underlay address, no tunnel. */
export function expectHostGw(s: Snapshot, underlayDev = 'eth0'): void {
  for (const h of s.hosts) {
    const state = hostIn(s, h.name);
    expect(state.interfaces.some((i) => i.kind === 'vxlan'), `${h.name} has no vxlan device`).toBe(false);
    for (const peer of s.hosts.filter((p) => p.name !== h.name)) {
      expect(state.routes, `${h.name}: route via ${peer.name}`).toContainEqual(expect.objectContaining({ gateway: peer.underlayIp, dev: underlayDev }));
    }
  }
}

/** Docker's `-p`: a client elsewhere reaches the pod through the host's address, and the DNAT rule is there. */
export async function expectPublished(engine: Engine, lab: string, o: { client: string; host: string; port: number; answer: RegExp; chain?: string }): Promise<void> {
  const s = await engine.inspect(lab);
  const ip = hostIn(s, o.host).underlayIp!;
  const r = await engine.exec(lab, o.client, ['curl', '-s', '-m', '3', `http://${ip}:${o.port}/`]);
  expect(r.stdout, r.stderr).toMatch(o.answer);
  expect(hostIn(s, o.host).iptables.nat.some((l) => l.startsWith(`-A ${o.chain ?? 'DOCKER'} `) && l.includes(`--dport ${o.port}`) && l.includes('DNAT'))).toBe(true);
}

/** A pod reaches the lab internet (203.0.113.10) only thanks to masquerade: the internet node has no route back to pods. */
export async function expectMasquerade(engine: Engine, lab: string, pod: string): Promise<void> {
  const r = await engine.exec(lab, pod, ['curl', '-s', '-m', '3', 'http://203.0.113.10/']);
  expect(r.stdout, r.stderr).toMatch(/hello from the-internet/);
  const s = await engine.inspect(lab);
  const inet = hostIn(s, 'internet');
  expect(inet.routes.some((r) => r.dst.startsWith('10.'))).toBe(false);
  const host = hostIn(s, pod.split('/')[0]!);
  expect(host.iptables.nat.some((l) => l.includes('FLANNEL-POSTRTG') && l.includes('MASQUERADE'))).toBe(true);
}

/** A terminal with a real PTY that follows resizes. */
export async function expectTerminal(engine: Engine, lab: string, target: string): Promise<void> {
  const sh = await engine.shell(lab, target, { cols: 91, rows: 27 });
  let out = '';
  sh.onData((b) => (out += b.toString('utf8')));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(re);
  };
  sh.write('stty size\n');
  await waitFor(/27 91/);
  await sh.resize(120, 40);
  sh.write('stty size; tty\n');
  await waitFor(/40 120[\s\S]*\/dev\/pts\//);
  const exited = new Promise<number | null>((resolve) => sh.onExit(resolve));
  sh.write('exit\n');
  await exited;
}

/** `spawn` (captures): tcpdump streams VXLAN packets of a cross-host ping as they come, and stops on a signal. */
export async function expectStreamedCapture(driver: HostDriver, lab: string, host: string, iface: string, during: () => Promise<unknown>): Promise<void> {
  let out = '';
  let err = '';
  expect(driver.spawn, `${driver.kind} driver streams processes itself`).toBeDefined();
  const p = await driver.spawn!(lab, host, ['tcpdump', '-nn', '-l', '-i', iface, 'udp', 'port', '8472'], { onStdout: (b) => (out += b.toString()), onStderr: (b) => (err += b.toString()) });
  const waitFor = async (what: () => boolean, label: string) => {
    for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(what(), `${label}; stderr: ${err}`).toBe(true);
  };
  await waitFor(() => err.includes('listening on'), 'tcpdump listening');
  await during();
  await waitFor(() => /\.8472: OTV/.test(out), 'a VXLAN packet seen');
  await p.kill('INT');
  expect(await p.exited).toBe(0);
}

/** Processes on a target's host whose command line contains `text` (`[s]leep 5`: never pgrep itself, nor a sudo around it). */
async function processesLike(engine: Engine, lab: string, host: string, text: string): Promise<string> {
  return (await engine.exec(lab, host, ['pgrep', '-a', '-f', `[${text[0]}]${text.slice(1).replaceAll('.', '[.]')}`])).stdout.trim();
}

/**
 * Cancelling ends the command on its host, not only the wait for it: an exec
 * whose signal fires, a ping cancelled half way, a terminal closed while
 * something runs in it — each leaves no process behind in the host.
 */
export async function expectCancelEndsRemote(engine: Engine, lab: string, target: string): Promise<void> {
  const host = target.split('/')[0]!;
  const gone = (text: string) => expect.poll(() => processesLike(engine, lab, host, text), { timeout: 10_000, interval: 100 }).toBe('');
  const started = (text: string) => expect.poll(() => processesLike(engine, lab, host, text), { timeout: 5000, interval: 100 }).not.toBe('');
  // Numbers no other test uses: a local lab's hosts see every process of the machine.
  const n = String(100_000 + Math.floor(Math.random() * 800_000));

  const controller = new AbortController();
  const exec = engine.exec(lab, target, ['sleep', n], { signal: controller.signal });
  await started(`sleep ${n}`);
  controller.abort();
  await expect(exec).rejects.toMatchObject({ code: 'E_CANCELLED' });
  await gone(`sleep ${n}`);

  const pinging = new AbortController();
  const ping = engine.ping(lab, target, '127.0.0.1', { count: Number(n), signal: pinging.signal });
  await started(`ping -n -c ${n}`);
  pinging.abort();
  await expect(ping).rejects.toMatchObject({ code: 'E_CANCELLED' });
  await gone(`ping -n -c ${n}`);

  const terminal = await engine.shell(lab, target, { cols: 80, rows: 24 }, { argv: ['sleep', `${n}.5`] });
  await started(`sleep ${n}.5`);
  terminal.close();
  await gone(`sleep ${n}.5`);
}
