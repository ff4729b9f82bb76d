// A capture session over a fake process: tcpdump's argv, readiness, packets
// decoded as bytes arrive, stop with SIGINT, .pcap export, and errors.
import { describe, expect, it } from 'vitest';
import type { CapturedPacket, CaptureSummary } from '../../src/shared/capture';
import type { SpawnOptions, SpawnedProcess } from '../../src/engine/drivers/host-driver';
import { isPodnetError } from '../../src/engine/errors';
import { startCaptureSession } from '../../src/engine/capture/capture-session';
import { PcapReader, parsePcap, writePcap } from '../../src/engine/capture/pcap';
import { tcpdumpArgv } from '../../src/engine/capture/tcpdump-argv';
import { echoPacket, ethernet } from '../helpers/packets';

const frame = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, echoPacket('10.2.1.2', '10.2.3.10', 8, 1, Buffer.alloc(8)));
const file = writePcap({ linkType: 1, nanos: true, snaplen: 262144 }, [
  { seconds: 1, fraction: 1, originalLength: frame.length, data: frame },
  { seconds: 1, fraction: 2, originalLength: frame.length, data: frame },
]);

/** A fake tcpdump: says it listens, sends the file in small chunks, ends on a signal. */
function fakeTcpdump(opts: { stderr?: string; exitAtOnce?: number } = {}) {
  const calls: { argv: string[]; signals: string[] } = { argv: [], signals: [] };
  const spawn = async (argv: string[], o: SpawnOptions): Promise<SpawnedProcess> => {
    calls.argv = argv;
    let end!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (end = resolve));
    setTimeout(() => {
      o.onStderr?.(Buffer.from(opts.stderr ?? 'tcpdump: listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n'));
      if (opts.exitAtOnce !== undefined) end(opts.exitAtOnce);
    }, 5);
    return {
      exited,
      async kill(signal = 'TERM') {
        calls.signals.push(signal);
        for (let i = 0; i < file.length; i += 10) o.onStdout(file.subarray(i, i + 10));
        o.onStderr?.(Buffer.from('2 packets captured\n'));
        end(0);
      },
      pause: () => undefined,
      resume: () => undefined,
    };
  };
  return { spawn, calls };
}

describe('tcpdump command line', () => {
  it('pcap to stdout, packet-buffered, nanosecond stamps; the filter is ONE argument after --', () => {
    expect(tcpdumpArgv({ iface: 'flannel.1', filter: ' udp port 8472 ', count: 4 })).toEqual([
      'tcpdump', '-i', 'flannel.1', '-n', '-U', '--immediate-mode', '--time-stamp-precision=nano', '-w', '-', '-c', '4', '--', 'udp port 8472',
    ]);
    expect(tcpdumpArgv({ iface: 'any' })).not.toContain('--');
  });

  it('refuses bad interface names, multi-line filters and silly counts (as input errors)', () => {
    for (const bad of [{ iface: '-w' }, { iface: 'eth0; reboot' }, { iface: 'a-very-long-interface-name' }, { iface: 'eth0', filter: 'icmp\nrm' }, { iface: 'eth0', count: 0 }]) {
      try {
        tcpdumpArgv(bad);
        expect.unreachable(JSON.stringify(bad));
      } catch (e) {
        expect(isPodnetError(e) && e.code).toBe('E_USAGE');
      }
    }
  });
});

describe('a capture session', () => {
  it('resolves once tcpdump listens, decodes packets as bytes arrive, stops with SIGINT, exports a valid .pcap', async () => {
    const fake = fakeTcpdump();
    const seen: CapturedPacket[] = [];
    let ended: CaptureSummary | null = null;
    const s = await startCaptureSession({ lab: 'l', target: 'host1', iface: 'eth0', filter: 'icmp', spawn: fake.spawn, listener: { onPacket: (p) => seen.push(p), onEnd: (e) => (ended = e) } });
    expect(fake.calls.argv.slice(-2)).toEqual(['--', 'icmp']);
    const summary = await s.stop();
    expect(fake.calls.signals).toEqual(['INT']);
    expect(summary).toEqual({ lab: 'l', target: 'host1', iface: 'eth0', filter: 'icmp', packets: 2, message: '2 packets captured', reason: 'stopped' });
    expect(ended).toEqual(summary);
    expect(seen.map((p) => [p.index, p.outer.protocol, p.outer.dst])).toEqual([
      [1, 'icmp', '10.2.3.10'],
      [2, 'icmp', '10.2.3.10'],
    ]);
    expect(s.packets()).toEqual(seen);
    expect(s.pcap().equals(file)).toBe(true);
    expect(parsePcap(s.pcap()).records).toHaveLength(2);
  });

  it('keeps at most its byte bound of packets, then stops tcpdump by itself', async () => {
    const signals: string[] = [];
    // A tcpdump that sends both packets as soon as it listens, and ends when signalled.
    const spawn = async (_argv: string[], o: SpawnOptions): Promise<SpawnedProcess> => {
      let end!: (code: number) => void;
      const exited = new Promise<number>((resolve) => (end = resolve));
      setTimeout(() => {
        o.onStderr?.(Buffer.from('tcpdump: listening on eth0\n'));
        o.onStdout(file);
      }, 5);
      return { exited, kill: async (signal = 'TERM') => void (signals.push(signal), end(0)), pause: () => undefined, resume: () => undefined };
    };
    const s = await startCaptureSession({ lab: 'l', target: 'host1', iface: 'eth0', spawn, maxBytes: frame.length + 10 });
    const summary = await s.done;
    expect(signals).toEqual(['INT']);
    expect(summary).toMatchObject({ packets: 1, reason: 'limit', message: expect.stringMatching(/^stopped at the bound of a capture \(100,000 packets or /) });
    expect(s.packets()).toHaveLength(1);
    expect(parsePcap(s.pcap()).records).toHaveLength(1);
  });

  it('refuses a stream whose record claims more than tcpdump ever captures, whatever its header says', () => {
    const huge = Buffer.from(writePcap({ linkType: 1, nanos: true, snaplen: 0x7fffffff }, [{ seconds: 1, fraction: 1, originalLength: 4, data: Buffer.alloc(4) }]));
    huge.writeUInt32LE(300_000, 24 + 8);
    expect(() => new PcapReader().push(huge)).toThrow(/record of 300000 bytes: the file is damaged/);
  });

  it('a tcpdump that refuses the interface is an input error with what it said', async () => {
    const fake = fakeTcpdump({ stderr: 'tcpdump: flannel.9: No such device exists\n(No such device exists)\n', exitAtOnce: 1 });
    await expect(startCaptureSession({ lab: 'l', target: 'host1', iface: 'flannel.9', spawn: fake.spawn })).rejects.toMatchObject({
      code: 'E_TARGET',
      message: expect.stringContaining('capture on host1 flannel.9 failed: flannel.9: No such device exists'),
    });
  });
});
