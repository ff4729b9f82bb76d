import { describe, expect, it } from 'vitest';
import { evaluateLiveCheck, packetMatches } from '../../src/engine/exercises/live-checks';
import { fakeLab, packet } from '../helpers/fake-check-env';
import { fixtureSnapshot } from '../helpers/snapshots';

const snap = fixtureSnapshot('flannel-vxlan');

describe('ping checks', () => {
  it('expect success or failure; a failure says what the ping got', async () => {
    const lab = fakeLab(snap, { ping: (_f, to) => to !== 'host2/b' });
    expect(await evaluateLiveCheck({ kind: 'ping', from: 'host1/a', to: 'host1/b', expect: 'success', count: 2 }, lab.env)).toMatchObject({ status: 'passed', found: null });
    const r = await evaluateLiveCheck({ kind: 'ping', from: 'host1/a', to: 'host2/b', expect: 'success', count: 2 }, lab.env);
    expect(r).toMatchObject({ status: 'failed', label: 'ping host1/a → host2/b gets replies' });
    expect(r.found).toMatch(/^no reply from host2\/b \(2 packets transmitted, 0 received/);
    expect((await evaluateLiveCheck({ kind: 'ping', from: 'host1/a', to: 'host2/b', expect: 'failure', count: 2 }, lab.env)).status).toBe('passed');
  });
});

describe('command checks', () => {
  it('run argv (never a shell string), check exit code and output (stdout and stderr)', async () => {
    const lab = fakeLab(snap, { exec: () => ({ code: 1, stdout: '', stderr: 'ping: local error: message too long, mtu=1450\n' }) });
    const ok = await evaluateLiveCheck({ kind: 'command', on: 'host1/a', run: 'ping -c 1 -M do -s 1423 10.2.3.10', exit: 1, output: 'message too long' }, lab.env);
    expect(ok.status).toBe('passed');
    expect(lab.ran).toEqual(['host1/a: ping -c 1 -M do -s 1423 10.2.3.10']);
    const bad = await evaluateLiveCheck({ kind: 'command', on: 'host1', run: 'cat /run/flannel/subnet.env', exit: 0, output: 'FLANNEL_MTU=1450' }, lab.env);
    expect(bad).toMatchObject({ status: 'failed', found: 'exit code 1, output did not match /FLANNEL_MTU=1450/; it printed: ping: local error: message too long, mtu=1450' });
  });
});

describe('capture checks', () => {
  const vx = packet('198.18.1.11', '198.18.1.12', 'udp', { src: '10.2.1.2', dst: '10.2.3.10', protocol: 'icmp' });

  it('match outer and inner packets; UDP matches a VXLAN packet', () => {
    expect(packetMatches(vx, { protocol: 'udp', inner: { protocol: 'icmp', src: '10.2.1.2' } })).toBe(true);
    expect(packetMatches(vx, { protocol: 'icmp' })).toBe(false);
    expect(packetMatches(vx, { inner: { dst: '10.2.3.99' } })).toBe(false);
    expect(packetMatches(packet('10.2.1.2', '10.2.3.10', 'icmp'), { inner: { protocol: 'icmp' } })).toBe(false);
  });

  it('run the traffic while capturing; say what was captured instead', async () => {
    let pinged = 0;
    const lab = fakeLab(snap, { ping: () => (pinged++, true), capture: () => [packet('10.2.1.2', '10.2.3.10', 'icmp')] });
    const c = { kind: 'capture', on: 'host1', iface: 'eth0', filter: 'udp port 8472', during: { ping: { from: 'host1/a', to: 'host2/b', count: 2 } }, expect: 'packets', match: { inner: { protocol: 'icmp' } } } as const;
    const r = await evaluateLiveCheck(c, lab.env);
    expect(pinged).toBe(1);
    expect(r.status).toBe('failed');
    expect(r.found).toBe('captured 1 packet(s), none carrying icmp: 10.2.1.2 → 10.2.3.10 icmp');
    expect((await evaluateLiveCheck({ ...c, expect: 'none' }, lab.env)).status).toBe('passed');
    const empty = fakeLab(snap);
    expect((await evaluateLiveCheck(c, empty.env)).found).toBe('captured nothing on host1 eth0');
  });
});
