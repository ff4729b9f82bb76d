// The steps of a launch as the UI shows them, from the engine's progress
// events (image, underlay, hosts, pods, overlay, publishing, ready).
import { UP_PHASES, type UpPhase, type UpProgress } from '../../../shared/lab';

export type PhaseStatus = 'pending' | 'started' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface PhaseView {
  phase: UpPhase;
  status: PhaseStatus;
  detail: string | null;
  elapsedMs: number | null;
}

export const PHASE_LABELS: Record<UpPhase, string> = {
  image: 'Node image',
  underlay: 'Underlay network',
  hosts: 'Hosts',
  pods: 'Pods',
  overlay: 'Overlay',
  publishing: 'Published ports',
  ready: 'Ready',
};

export function initialPhases(): PhaseView[] {
  return UP_PHASES.map((phase) => ({ phase, status: 'pending', detail: null, elapsedMs: null }));
}

export function applyProgress(phases: readonly PhaseView[], p: UpProgress): PhaseView[] {
  const at = UP_PHASES.indexOf(p.phase);
  return phases.map((v, i) => {
    if (v.phase === p.phase) return { phase: v.phase, status: p.status, detail: p.detail ?? v.detail, elapsedMs: p.elapsedMs };
    // A later step started: an earlier one still "started" has finished.
    if (i < at && v.status === 'started') return { ...v, status: 'done' };
    return v;
  });
}

/** The launch ended without success: the running step failed (or was cancelled). */
export function endPhases(phases: readonly PhaseView[], how: 'failed' | 'cancelled'): PhaseView[] {
  return phases.map((v) => (v.status === 'started' ? { ...v, status: how } : v));
}

export const PHASE_MARKS: Record<PhaseStatus, string> = {
  pending: '○',
  started: '◐',
  done: '✓',
  skipped: '–',
  failed: '✗',
  cancelled: '■',
};
