// A running capture: tcpdump on a host or in a pod, its pcap bytes streamed
// back, decoded packet by packet for a live list, kept for "Save as .pcap".
import { randomBytes } from 'node:crypto';
import type { CapturedPacket, CaptureListener, CaptureSummary } from '../../shared/capture';
import { ERROR_CODES } from '../../shared/errors';
import type { SpawnOptions, SpawnedProcess } from '../drivers/host-driver';
import { PodnetError } from '../errors';
import { toCapturedPacket } from './decode-packet';
import { PcapReader, writePcap, type PcapHeader, type PcapRecord } from './pcap';
import { isInputProblem, tcpdumpArgv, type TcpdumpOptions } from './tcpdump-argv';

/** A session keeps this many packets, or this many bytes of them, at most; then it stops by itself. */
export const MAX_SESSION_PACKETS = 100_000;
export const MAX_SESSION_BYTES = 64 * 1024 * 1024;
const READY_TIMEOUT_MS = 10_000;

export interface CaptureSession {
  readonly id: string;
  /** Resolves with the summary when tcpdump has ended (stopped, count reached, or failed). */
  readonly done: Promise<CaptureSummary>;
  /** Packets decoded so far. */
  packets(): CapturedPacket[];
  /** Everything captured so far as a .pcap file (opens in Wireshark). */
  pcap(): Buffer;
  /** Raw records with the file header (for analysis such as the packet path). */
  records(): { header: PcapHeader | null; records: PcapRecord[] };
  /** Stops tcpdump (SIGINT: it flushes) and resolves with the summary. */
  stop(): Promise<CaptureSummary>;
}

export interface CaptureSessionInput extends TcpdumpOptions {
  lab: string;
  target: string;
  /** Runs an argv where the capture should happen (already bound to the host or pod). */
  spawn(argv: string[], opts: SpawnOptions): Promise<SpawnedProcess>;
  listener?: CaptureListener;
  vxlanPorts?: readonly number[];
  /** Bytes of packets kept (default MAX_SESSION_BYTES). */
  maxBytes?: number;
}

/** Starts tcpdump and resolves once it is listening (traffic sent after that is seen). */
export async function startCaptureSession(input: CaptureSessionInput): Promise<CaptureSession> {
  const argv = tcpdumpArgv(input);
  const reader = new PcapReader();
  const records: PcapRecord[] = [];
  const packets: CapturedPacket[] = [];
  let stderr = '';
  let stopping = false;
  let markReady!: () => void;
  const listening = new Promise<void>((resolve) => (markReady = resolve));
  let proc: SpawnedProcess | null = null;
  let overflow = false;
  let bytes = 0;

  const onStdout = (chunk: Buffer) => {
    let fresh: PcapRecord[];
    try {
      fresh = reader.push(chunk);
    } catch (e) {
      stderr += `\n${e instanceof Error ? e.message : String(e)}`;
      void proc?.kill('TERM');
      return;
    }
    for (const r of fresh) {
      if (records.length >= MAX_SESSION_PACKETS || bytes + r.data.length > (input.maxBytes ?? MAX_SESSION_BYTES)) {
        if (!overflow) {
          overflow = true;
          void proc?.kill('INT');
        }
        return;
      }
      records.push(r);
      bytes += r.data.length;
      const p = toCapturedPacket(reader.header!, r, records.length, input.vxlanPorts);
      packets.push(p);
      input.listener?.onPacket?.(p);
    }
  };
  const onStderr = (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (/listening on /.test(stderr)) markReady();
  };

  proc = await input.spawn(argv, { onStdout, onStderr });
  const p = proc;
  const done = p.exited.then((code): CaptureSummary => {
    const said = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^(tcpdump: )?(listening on|data link type)/.test(l)).join('; ');
    const message = overflow ? `stopped at the bound of a capture (${MAX_SESSION_PACKETS.toLocaleString('en-US')} packets or ${(input.maxBytes ?? MAX_SESSION_BYTES) / (1024 * 1024)} MiB)${said ? `; ${said}` : ''}` : said;
    const reason: CaptureSummary['reason'] = stopping ? 'stopped' : overflow ? 'limit' : code === 0 && input.count != null ? 'count' : code === 0 ? 'ended' : 'error';
    const summary: CaptureSummary = { lab: input.lab, target: input.target, iface: input.iface, filter: input.filter?.trim() || null, packets: records.length, message, reason };
    input.listener?.onEnd?.(summary);
    return summary;
  });

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    listening.then(() => 'ready' as const),
    done.then(() => 'ended' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    if (outcome === 'timeout') await p.kill('KILL');
    const said = stderr.trim().replace(/^tcpdump: /gm, '') || (outcome === 'timeout' ? `tcpdump did not start within ${READY_TIMEOUT_MS / 1000} s` : 'tcpdump ended at once');
    throw new PodnetError(isInputProblem(said) ? ERROR_CODES.TARGET : ERROR_CODES.INTERNAL, `capture on ${input.target} ${input.iface} failed: ${said}`, {
      hint: `list the interfaces: podnet exec ${input.lab} ${input.target} -- ip -br link`,
    });
  }

  const header = () => reader.header ?? { linkType: 1, nanos: true, snaplen: 262144 };
  return {
    id: randomBytes(8).toString('hex'),
    done,
    packets: () => [...packets],
    pcap: () => writePcap(header(), records),
    records: () => ({ header: reader.header, records: [...records] }),
    async stop() {
      stopping = true;
      await p.kill('INT');
      const timeout = setTimeout(() => void p.kill('KILL'), 3000);
      try {
        return await done;
      } finally {
        clearTimeout(timeout);
      }
    },
  };
}
