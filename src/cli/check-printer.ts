// Check results as text: ✓ / ✗ per check, with what was found instead.
import type { CheckResult, StepCheck } from '../shared/exercise';

const MARK = { passed: '✓', failed: '✗', error: '!' } as const;

export function checkLines(r: CheckResult, indent = '    '): string[] {
  const out = [`${indent}${MARK[r.status]} ${r.label}`];
  if (r.found) out.push(`${indent}    ${r.status === 'error' ? 'could not check' : 'found'}: ${r.found}`);
  return out;
}

export function stepCheckLines(s: StepCheck, indent = '  '): string[] {
  return [`${indent}step ${s.step} ${s.passed ? 'passed' : 'not passed'} — ${s.title}`, ...s.checks.flatMap((c) => checkLines(c, `${indent}  `))];
}
