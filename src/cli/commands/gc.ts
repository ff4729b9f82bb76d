import { withEngine } from '../cli-context';

export async function gcCommand(): Promise<void> {
  await withEngine(async (engine) => {
    const { removed, kept } = await engine.gc();
    if (removed.length === 0) process.stdout.write('nothing left behind by crashed runs\n');
    for (const name of removed) process.stdout.write(`removed the remains of lab ${name}\n`);
    for (const name of kept) process.stdout.write(`kept lab ${name} (running or being built; remove it with podnet down ${name})\n`);
  });
}
