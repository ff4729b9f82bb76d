import { withEngine } from '../cli-context';
import { statusAdvice, statusText } from '../lab-status';

export async function gcCommand(): Promise<void> {
  await withEngine(async (engine) => {
    const { removed, kept } = await engine.gc();
    if (removed.length === 0) process.stdout.write('nothing left behind by unfinished builds\n');
    for (const name of removed) process.stdout.write(`removed the remains of lab ${name}\n`);
    for (const lab of kept) {
      const advice = statusAdvice(lab);
      process.stdout.write(`kept lab ${lab.name} (${statusText(lab)}${advice ? `; ${advice}` : ''})\n`);
    }
  });
}
