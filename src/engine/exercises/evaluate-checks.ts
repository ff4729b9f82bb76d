// A step's checks against a lab: placeholders filled from one fresh
// snapshot, state checks read from it, live checks run one after another.
// A check that cannot run (lab gone, bad target) is an `error`, never a pass.
import type { CheckResult, CheckSpec, ExerciseStep, StepCheck } from '../../shared/exercise';
import type { Snapshot } from '../../shared/snapshot';
import { isPodnetError } from '../errors';
import { checkLabel } from './check-label';
import type { CheckEnv } from './check-env';
import { evaluateLiveCheck, type LiveCheck } from './live-checks';
import { resolvePlaceholders } from './placeholders';
import { evaluateStateCheck, isStateCheck } from './state-checks';

/** Fills every {{placeholder}} in a check's strings. */
export function resolveCheck<T extends CheckSpec>(c: T, s: Snapshot): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return resolvePlaceholders(v, s);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(c) as T;
}

export async function evaluateCheck(c: CheckSpec, env: CheckEnv, snapshot: Snapshot): Promise<CheckResult> {
  let resolved: CheckSpec = c;
  try {
    resolved = resolveCheck(c, snapshot);
    if (isStateCheck(resolved)) return evaluateStateCheck(resolved, snapshot);
    return await evaluateLiveCheck(resolved as LiveCheck, env);
  } catch (e) {
    const message = isPodnetError(e) ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : e instanceof Error ? e.message : String(e);
    return { label: checkLabel(resolved), kind: c.kind, status: 'error', found: message };
  }
}

export async function evaluateStep(step: ExerciseStep, env: CheckEnv): Promise<StepCheck> {
  const snapshot = await env.snapshot();
  const checks: CheckResult[] = [];
  for (const c of step.checks) checks.push(await evaluateCheck(c, env, snapshot));
  return { step: step.number, title: step.title, passed: checks.every((r) => r.status === 'passed'), checks };
}
