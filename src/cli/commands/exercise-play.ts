import type { PlayEvent } from '../../shared/exercise';
import { ExitCode } from '../cli-errors';
import { interruptSignal, withEngine } from '../cli-context';
import { checkLines } from '../check-printer';

function eventLines(e: PlayEvent): string[] {
  switch (e.type) {
    case 'lab':
      return [`lab ${e.lab}: ${e.status}`];
    case 'step':
      return ['', `step ${e.step}: ${e.title}${e.changes ? '  (asks for a change)' : ''}`];
    case 'check': {
      const verdict = e.result.passed ? 'passed' : 'failed';
      const expected = e.phase === 'before' ? 'must fail' : 'must pass';
      return [`  check ${e.phase}: ${verdict} (${expected}) ${e.asExpected ? '✓' : '✗ NOT AS WRITTEN'}`, ...e.result.checks.flatMap((c) => checkLines(c))];
    }
    case 'command': {
      const r = e.run;
      const head = `  ${r.role === 'solution' ? 'solution' : 'try'} [${r.target}] $ ${r.command}  → exit ${r.code} ${r.ok ? '✓' : '✗'}`;
      return r.ok ? [head] : [head, ...r.output.trim().split('\n').slice(0, 6).map((l) => `      ${l}`)];
    }
    case 'step-done':
      return e.report.ok ? [] : [`  ✗ step ${e.report.step}: ${e.report.problem}`];
  }
}

export async function exercisePlayCommand(id: string, flags: { lab?: string; keep?: boolean; json?: boolean }): Promise<void> {
  const report = await withEngine((engine) =>
    engine.playExercise(id, {
      ...(flags.lab ? { lab: flags.lab } : {}),
      ...(flags.keep ? { keep: true } : {}),
      signal: interruptSignal(),
      onEvent: (e) => {
        if (!flags.json) process.stdout.write(eventLines(e).map((l) => l + '\n').join(''));
      },
    }),
  );
  if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    const good = report.steps.filter((s) => s.ok).length;
    process.stdout.write(`\nexercise ${report.exercise}: ${report.ok ? 'played correctly' : `did NOT play correctly (${report.problem})`} — ${good}/${report.steps.length} steps, ${(report.elapsedMs / 1000).toFixed(1)} s\n`);
  }
  if (!report.ok) throw new ExitCode(1);
}
