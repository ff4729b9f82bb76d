import { writeFile } from 'node:fs/promises';
import { interruptSignal, withEngine } from '../cli-context';
import { wholeNumberOption } from '../number-option';
import { packetLine } from '../packet-line';

export interface CaptureFlags {
  filter?: string;
  count?: string;
  write?: string;
  seconds?: string;
  json?: boolean;
}

export async function captureCommand(lab: string, target: string, iface: string, flags: CaptureFlags): Promise<void> {
  const count = wholeNumberOption(flags.count, '-c', { min: 1, max: 1_000_000 });
  const seconds = wholeNumberOption(flags.seconds, '--seconds', { min: 1, max: 86_400 });
  await withEngine(async (engine) => {
    // From the start: a capture killed while tcpdump is starting still stops it on the host.
    const signal = interruptSignal();
    let t0: number | null = null;
    const session = await engine.startCapture(
      lab,
      { target, iface, ...(flags.filter ? { filter: flags.filter } : {}), ...(count ? { count } : {}) },
      {
        onPacket: (p) => {
          t0 ??= p.time;
          process.stdout.write(flags.json ? JSON.stringify(p) + '\n' : packetLine(p, t0) + '\n');
        },
      },
    );
    process.stderr.write(`capturing on ${target} ${iface}${flags.filter ? ` (${flags.filter})` : ''}${count ? `, ${count} packets` : ''}${seconds ? `, ${seconds} s` : ''}; Ctrl-C stops\n`);
    const stop = () => void session.stop();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    const timer = seconds ? setTimeout(stop, seconds * 1000) : undefined;
    const summary = await session.done;
    clearTimeout(timer);
    if (flags.write) {
      await writeFile(flags.write, session.pcap());
      process.stderr.write(`wrote ${summary.packets} packets to ${flags.write}\n`);
    }
    process.stderr.write(`${summary.packets} packets (${summary.reason})${summary.message ? `: ${summary.message}` : ''}\n`);
  });
}
