// `podnet exercise play`: walks an exercise on a live lab the way a learner
// would. For every step: the check BEFORE the solution (it must fail when the
// step asks for a change), then the step's commands in the order of the file
// (`try` ones must exit 0 — or non-zero when marked `fails` — solutions must
// exit 0), then the check again (it must pass). Commands of a `waits` block
// (tcpdump…) run alongside the commands after them, as in a second terminal,
// and are stopped like a learner would with Ctrl-C once their deadline passes.
import type { CommandBlock, CommandRun, Exercise, ExerciseStep, PlayEvent, PlayStepReport } from '../../shared/exercise';
import type { ExecResult } from '../../shared/lab';
import { throwIfAborted } from '../errors';
import type { CheckEnv } from './check-env';
import { splitCommandLine } from './command-line';
import { evaluateStep } from './evaluate-checks';
import { hasPlaceholders, resolvePlaceholders } from './placeholders';

export interface PlayDeps {
  env: CheckEnv;
  onEvent?(e: PlayEvent): void;
  signal?: AbortSignal;
}

const MAX_OUTPUT = 2000;
/** How long a `waits` command may run (it usually ends by itself, e.g. `tcpdump -c 4`). */
export const WAITS_DEADLINE_S = 5;
/** Time a `waits` command gets to start before the next commands run. */
const WAITS_START_MS = 700;

/** Ctrl-C after the deadline; `--preserve-status`: the command's own exit code (tcpdump exits 0 on SIGINT). */
const withDeadline = (argv: string[]) => ['timeout', '--preserve-status', '-s', 'INT', String(WAITS_DEADLINE_S), ...argv];

async function runCommand(env: CheckEnv, block: CommandBlock, line: string): Promise<CommandRun> {
  let command = line;
  let result: ExecResult;
  try {
    if (hasPlaceholders(line)) command = resolvePlaceholders(line, await env.snapshot());
    const argv = splitCommandLine(command);
    result = await env.exec(block.target, block.waits ? withDeadline(argv) : argv);
  } catch (e) {
    result = { code: -1, stdout: '', stderr: e instanceof Error ? e.message : String(e) };
  }
  const ok = result.code >= 0 && (block.expectFailure ? result.code !== 0 : result.code === 0);
  const output = (result.stdout + result.stderr).slice(0, MAX_OUTPUT);
  return { role: block.role, target: block.target, command, code: result.code, ok, output };
}

async function playStep(step: ExerciseStep, deps: PlayDeps): Promise<PlayStepReport> {
  const emit = (e: PlayEvent) => deps.onEvent?.(e);
  emit({ type: 'step', step: step.number, title: step.title, changes: step.changes });
  const problems: string[] = [];
  let before = null;
  if (step.changes) {
    before = await evaluateStep(step, deps.env);
    emit({ type: 'check', step: step.number, phase: 'before', result: before, asExpected: !before.passed });
    if (before.passed) problems.push('the check passed before the solution ran: the step would be done without doing anything');
  }
  const commands: CommandRun[] = [];
  const record = (run: CommandRun, block: CommandBlock) => {
    commands.push(run);
    emit({ type: 'command', step: step.number, run });
    if (!run.ok) problems.push(`\`${run.command}\` on ${run.target} exited ${run.code}${block.expectFailure ? ' (it should fail)' : ''}`);
  };
  const waiting: Promise<void>[] = [];
  for (const block of step.blocks) {
    if (block.type !== 'commands') continue;
    for (const line of block.commands) {
      throwIfAborted(deps.signal);
      if (block.waits) {
        waiting.push(runCommand(deps.env, block, line).then((run) => record(run, block)));
        await new Promise((resolve) => setTimeout(resolve, WAITS_START_MS));
      } else {
        record(await runCommand(deps.env, block, line), block);
      }
    }
  }
  await Promise.all(waiting);
  throwIfAborted(deps.signal);
  const after = await evaluateStep(step, deps.env);
  emit({ type: 'check', step: step.number, phase: 'after', result: after, asExpected: after.passed });
  if (!after.passed) problems.push(`the check failed${step.changes ? ' after the solution' : ''}: ${after.checks.filter((c) => c.status !== 'passed').map((c) => `${c.label} — ${c.found}`).join('; ')}`);
  const report: PlayStepReport = { step: step.number, title: step.title, changes: step.changes, before, commands, after, ok: problems.length === 0, problem: problems.join('; ') || null };
  emit({ type: 'step-done', report });
  return report;
}

/** Plays every step in order (a failing step does not stop the walk: later steps still report). */
export async function playExerciseSteps(exercise: Exercise, deps: PlayDeps): Promise<PlayStepReport[]> {
  const reports: PlayStepReport[] = [];
  for (const step of exercise.exerciseSteps) {
    throwIfAborted(deps.signal);
    reports.push(await playStep(step, deps));
  }
  return reports;
}
