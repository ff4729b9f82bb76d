// A lab's status in words, and what to do about it — for `ls`, `gc` and
// `repair`.
import type { LabSummary } from '../shared/lab';

/** `running`, `degraded: host2 stopped, host3 paused`, `failed: its build (pid 4242) ended before the lab was up`. */
export function statusText(lab: LabSummary): string {
  return lab.faults.length > 0 ? `${lab.status}: ${lab.faults.map((f) => f.message).join(', ')}` : lab.status;
}

/** The command that deals with the lab's state, if it needs one. */
export function statusAdvice(lab: LabSummary): string | null {
  if (lab.status === 'degraded') return `bring it back: podnet repair ${lab.name}`;
  if (lab.status === 'failed') return `remove the remains: podnet gc (or podnet down ${lab.name})`;
  return null;
}

/** A host's state as `ls` shows it: what is wrong with it, or `running`. */
export function hostState(lab: LabSummary, host: string): string {
  return lab.faults.find((f) => f.part === host)?.problem ?? 'running';
}
