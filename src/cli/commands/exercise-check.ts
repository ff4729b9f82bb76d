import { ExitCode } from '../cli-errors';
import { withEngine } from '../cli-context';
import { stepCheckLines } from '../check-printer';
import { wholeNumberOption } from '../number-option';

export async function exerciseCheckCommand(id: string, flags: { lab?: string; step?: string; json?: boolean }): Promise<void> {
  const step = wholeNumberOption(flags.step, '--step', { min: 1, max: 1000 });
  const results = await withEngine((engine) =>
    engine.checkExercise(id, {
      ...(flags.lab ? { lab: flags.lab } : {}),
      ...(step ? { step } : {}),
      onStep: (r) => {
        if (!flags.json) process.stdout.write(stepCheckLines(r).join('\n') + '\n');
      },
    }),
  );
  if (flags.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else process.stdout.write(`${results.filter((r) => r.passed).length} of ${results.length} step${results.length > 1 ? 's' : ''} passed\n`);
  if (!results.every((r) => r.passed)) throw new ExitCode(1);
}
