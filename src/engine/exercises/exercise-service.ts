// The exercise part of the engine facade: list, show (filled in for a lab),
// start (launch its lab), check (against the lab's real state), play.
import { ERROR_CODES } from '../../shared/errors';
import type { Exercise, ExerciseSummary, PlayEvent, PlayReport, StepCheck } from '../../shared/exercise';
import { PodnetError } from '../errors';
import type { LabSource } from '../lab-source';
import type { UpOptions, UpResult } from '../lifecycle/up-options';
import { findExercise, loadExercises } from './exercise-catalog';
import { exerciseLabSource, resolveExercise } from './exercise-lab';
import { engineCheckEnv, type LabOps } from './engine-check-env';
import { evaluateStep } from './evaluate-checks';
import { playExerciseSteps } from './play-exercise';

export interface ExerciseApi {
  listExercises(): Promise<ExerciseSummary[]>;
  /** An exercise by id or number; with `lab`, its commands filled in from that running lab. */
  exercise(idOrNumber: string, opts?: { lab?: string }): Promise<Exercise>;
  /** Launches the exercise's lab (under `lab`, default the built-in lab's name); `reset` removes a running one first. */
  startExercise(idOrNumber: string, opts?: { lab?: string; reset?: boolean } & UpOptions): Promise<UpResult>;
  /** Evaluates the checks of every step (or one) against the running lab. */
  checkExercise(idOrNumber: string, opts?: { lab?: string; step?: number; onStep?(result: StepCheck): void }): Promise<StepCheck[]>;
  /** Builds a fresh lab, plays every step (check, solution, check), removes the lab unless `keep`. */
  playExercise(idOrNumber: string, opts?: { lab?: string; keep?: boolean; onEvent?(e: PlayEvent): void; signal?: AbortSignal }): Promise<PlayReport>;
}

/** What exercises use of the engine (the facade is one). */
export interface ExerciseHost extends LabOps {
  up(source: LabSource, opts?: UpOptions): Promise<UpResult>;
  down(lab: string): Promise<string[]>;
}

const summary = (e: Exercise): ExerciseSummary => ({ id: e.id, number: e.number, title: e.title, lab: e.lab, minutes: e.minutes, steps: e.steps });

export function createExerciseApi(engine: ExerciseHost, resourcesDir: string): ExerciseApi {
  return {
    async listExercises() {
      return (await loadExercises(resourcesDir)).map((e) => summary(e.exercise));
    },

    async exercise(id, opts = {}) {
      const { exercise } = await findExercise(resourcesDir, id);
      return opts.lab ? resolveExercise(exercise, await engine.inspect(opts.lab)) : exercise;
    },

    async startExercise(id, opts = {}) {
      const { exercise, labFile } = await findExercise(resourcesDir, id);
      const lab = opts.lab ?? exercise.lab;
      if (opts.reset) await engine.down(lab);
      return engine.up(await exerciseLabSource(labFile, opts.lab), opts);
    },

    async checkExercise(id, opts = {}) {
      const { exercise } = await findExercise(resourcesDir, id);
      const lab = opts.lab ?? exercise.lab;
      const steps = opts.step === undefined ? exercise.exerciseSteps : exercise.exerciseSteps.filter((s) => s.number === opts.step);
      if (steps.length === 0) throw new PodnetError(ERROR_CODES.USAGE, `exercise ${exercise.id} has no step ${opts.step}`, { hint: `its steps are 1 to ${exercise.steps}` });
      await engine.inspect(lab); // fails clearly when the lab is not running
      const env = engineCheckEnv(engine, lab);
      const out: StepCheck[] = [];
      for (const step of steps) {
        const result = await evaluateStep(step, env);
        opts.onStep?.(result);
        out.push(result);
      }
      return out;
    },

    async playExercise(id, opts = {}) {
      const started = performance.now();
      const { exercise, labFile } = await findExercise(resourcesDir, id);
      const lab = opts.lab ?? exercise.lab;
      const emit = (e: PlayEvent) => opts.onEvent?.(e);
      emit({ type: 'lab', lab, status: 'starting' });
      await engine.up(await exerciseLabSource(labFile, opts.lab), opts.signal ? { signal: opts.signal } : {});
      emit({ type: 'lab', lab, status: 'up' });
      try {
        const steps = await playExerciseSteps(exercise, { env: engineCheckEnv(engine, lab), ...(opts.onEvent ? { onEvent: opts.onEvent } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
        const bad = steps.filter((s) => !s.ok);
        return {
          exercise: exercise.id,
          lab,
          ok: bad.length === 0,
          steps,
          elapsedMs: Math.round(performance.now() - started),
          problem: bad.length ? `step ${bad.map((s) => s.step).join(', ')} did not play as written` : null,
        };
      } finally {
        if (!opts.keep) {
          await engine.down(lab);
          emit({ type: 'lab', lab, status: 'removed' });
        }
      }
    },
  };
}
