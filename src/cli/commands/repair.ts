import { interruptSignal, withEngine } from '../cli-context';

export async function repairCommand(lab: string, flags: { json?: boolean }): Promise<void> {
  await withEngine(async (engine) => {
    const r = await engine.repair(lab, { signal: interruptSignal() });
    if (flags.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return;
    }
    if (r.repaired.length === 0) {
      process.stdout.write(`lab ${lab} runs as it was built: nothing to repair\n`);
      return;
    }
    process.stdout.write(`repaired lab ${lab} in ${(r.elapsedMs / 1000).toFixed(2)} s (it was degraded: ${r.repaired.map((f) => f.message).join(', ')})\n`);
    for (const line of r.done) process.stdout.write(`  ${line}\n`);
  });
}
