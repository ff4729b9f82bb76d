// How a step's checks look right now: pending (never checked), checking,
// passed, failed with what was found, or error (the check could not run).
import type { StepResult } from './progress-storage';

export type CheckState = 'pending' | 'checking' | 'passed' | 'failed' | 'error';

export interface CheckRow {
  label: string;
  state: CheckState;
  /** What the lab showed instead (failed and error only). */
  found: string | null;
}

/**
 * One row per check, labelled as the exercise says now (filled in for the
 * running lab), in the state of the step's last check. A remembered result
 * with another number of checks (the exercise changed) counts as none.
 */
export function checkRows(labels: readonly string[], last: StepResult | null, checking: boolean): CheckRow[] {
  const results = last && last.checks.length === labels.length ? last.checks : null;
  return labels.map((label, i) => {
    const r = results?.[i];
    if (checking) return { label, state: 'checking', found: null };
    if (!r) return { label, state: 'pending', found: null };
    return { label, state: r.status, found: r.status === 'passed' ? null : r.found };
  });
}

export type StepState = 'pending' | 'checking' | 'passed' | 'failed';

export function stepState(checkCount: number, last: StepResult | null, checking: boolean): StepState {
  if (checking) return 'checking';
  if (!last || last.checks.length !== checkCount) return 'pending';
  return last.passed ? 'passed' : 'failed';
}

export const CHECK_MARKS: Record<CheckState, string> = {
  pending: '○',
  checking: '◐',
  passed: '✓',
  failed: '✗',
  error: '!',
};
