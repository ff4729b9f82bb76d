// What the page remembers of an exercise between sessions (localStorage, so
// it works in the desktop app and in a browser alike): the lab it runs on,
// each step's last check, whether the step ever passed, the hints and
// solutions shown. Read defensively: a damaged entry is ignored.
import type { CheckResult, StepCheck } from '../../../shared/exercise';

export interface StepResult {
  passed: boolean;
  checks: CheckResult[];
  /** When it was checked (ISO time). */
  at: string;
}

export interface StepProgress {
  /** The last check of the step, as the lab answered it. */
  last: StepResult | null;
  /** The step passed at least once (a later step may have undone it on purpose). */
  done: boolean;
  /** How many of the step's hints are shown. */
  hints: number;
  /** The step's solution commands are shown. */
  solution: boolean;
}

export interface ExerciseProgress {
  /** The lab the learner runs it on, when not the exercise's own lab name. */
  lab: string | null;
  steps: Record<number, StepProgress>;
}

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const STORAGE_PREFIX = 'podnet.exercise.';
const VERSION = 1;

export const emptyProgress = (): ExerciseProgress => ({ lab: null, steps: {} });
export const emptyStep = (): StepProgress => ({ last: null, done: false, hints: 0, solution: false });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const STATUSES = new Set(['passed', 'failed', 'error']);

function readCheck(v: unknown): CheckResult | null {
  if (!isObject(v) || typeof v.label !== 'string' || typeof v.kind !== 'string' || !STATUSES.has(v.status as string)) return null;
  return { label: v.label, kind: v.kind as CheckResult['kind'], status: v.status as CheckResult['status'], found: typeof v.found === 'string' ? v.found : null };
}

function readResult(v: unknown): StepResult | null {
  if (!isObject(v) || typeof v.passed !== 'boolean' || !Array.isArray(v.checks) || typeof v.at !== 'string') return null;
  const checks = v.checks.map(readCheck);
  return checks.every((c) => c !== null) ? { passed: v.passed, checks: checks as CheckResult[], at: v.at } : null;
}

function readStep(v: unknown): StepProgress | null {
  if (!isObject(v)) return null;
  return {
    last: readResult(v.last),
    done: v.done === true,
    hints: Number.isInteger(v.hints) && (v.hints as number) >= 0 ? (v.hints as number) : 0,
    solution: v.solution === true,
  };
}

/** A stored entry, or null when it is missing, damaged or from another version. */
export function parseProgress(raw: string | null): ExerciseProgress | null {
  if (!raw) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(v) || v.version !== VERSION || !isObject(v.steps)) return null;
  const steps: Record<number, StepProgress> = {};
  for (const [k, s] of Object.entries(v.steps)) {
    const n = Number(k);
    const step = readStep(s);
    if (Number.isInteger(n) && n > 0 && step) steps[n] = step;
  }
  return { lab: typeof v.lab === 'string' ? v.lab : null, steps };
}

export function serializeProgress(p: ExerciseProgress): string {
  return JSON.stringify({ version: VERSION, lab: p.lab, steps: p.steps });
}

/** A step's progress after a check of it. */
export function withResult(step: StepProgress, result: StepCheck, at: Date): StepProgress {
  return { ...step, last: { passed: result.passed, checks: result.checks, at: at.toISOString() }, done: step.done || result.passed };
}
