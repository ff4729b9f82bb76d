import { ExitCode } from '../cli-errors';
import { interruptSignal, withEngine } from '../cli-context';

export async function pingCommand(lab: string, from: string, to: string, flags: { count?: string }): Promise<void> {
  const count = flags.count === undefined ? 3 : Number(flags.count);
  if (!Number.isInteger(count) || count < 1 || count > 100000) {
    process.stderr.write('podnet: -c must be a whole number of pings (1 or more)\n');
    throw new ExitCode(2);
  }
  const ok = await withEngine(async (engine) => {
    const r = await engine.ping(lab, from, to, { count, onOutput: (s) => process.stdout.write(s), signal: interruptSignal() });
    process.stderr.write(r.ok ? `${r.from} → ${r.to} (${r.destination}): ${r.received}/${r.transmitted} replies\n` : `${r.from} → ${r.to} (${r.destination}): no reply\n`);
    return r.ok;
  });
  if (!ok) throw new ExitCode(1);
}
