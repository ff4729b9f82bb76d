// A CheckEnv over a snapshot the test changes, with scripted commands,
// pings and captures: checks and play-throughs without Docker.
import type { CapturedPacket } from '../../src/shared/capture';
import type { ExecResult } from '../../src/shared/lab';
import type { Snapshot } from '../../src/shared/snapshot';
import type { CheckEnv, PingOutcome } from '../../src/engine/exercises/check-env';

export interface FakeLab {
  env: CheckEnv;
  snapshot: Snapshot;
  /** Every command run, as `target: argv…`. */
  ran: string[];
}

export function fakeLab(
  snapshot: Snapshot,
  behaviour: {
    exec?(target: string, argv: string[], lab: FakeLab): ExecResult | Promise<ExecResult>;
    ping?(from: string, to: string, lab: FakeLab): boolean;
    capture?(target: string, iface: string, filter: string | undefined, lab: FakeLab): CapturedPacket[];
  } = {},
): FakeLab {
  const lab: FakeLab = {
    snapshot,
    ran: [],
    env: {
      lab: snapshot.name,
      snapshot: async () => structuredClone(lab.snapshot),
      exec: async (target, argv) => {
        lab.ran.push(`${target}: ${argv.join(' ')}`);
        return (await behaviour.exec?.(target, argv, lab)) ?? { code: 0, stdout: '', stderr: '' };
      },
      ping: async (from, to, count): Promise<PingOutcome> => {
        const ok = behaviour.ping?.(from, to, lab) ?? true;
        return { ok, transmitted: count, received: ok ? count : 0, destination: to, output: ok ? '' : `${count} packets transmitted, 0 received, 100% packet loss` };
      },
      capture: async (target, iface, filter, during) => {
        await during();
        return behaviour.capture?.(target, iface, filter, lab) ?? [];
      },
    },
  };
  return lab;
}

export function packet(src: string, dst: string, protocol: string, inner?: { src: string; dst: string; protocol: string }): CapturedPacket {
  const summary = (s: string, d: string, p: string) => ({ src: s, dst: d, protocol: p, srcPort: null, dstPort: null, info: '', icmp: null });
  return {
    index: 1,
    time: 0,
    length: 100,
    capturedLength: 100,
    direction: null,
    ifindex: null,
    outer: summary(src, dst, inner ? 'vxlan' : protocol),
    vxlan: inner ? { vni: 1, inner: summary(inner.src, inner.dst, inner.protocol) } : null,
    layers: [],
  };
}
