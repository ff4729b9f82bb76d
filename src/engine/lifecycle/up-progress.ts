// Turns per-host driver events into the lab-level steps the user watches:
// image, underlay, hosts, pods, overlay, publishing, ready.
import { UP_PHASES, type UpPhase, type UpProgress } from '../../shared/lab';
import type { DriverEvent } from '../drivers/host-driver';
import type { LabPlan, PlanPhase } from '../plan/step';

const HOST_PHASES: (PlanPhase | 'done')[] = ['hosts', 'pods', 'overlay', 'publishing', 'ready', 'done'];

export class UpProgressTracker {
  private readonly state = new Map<UpPhase, UpProgress['status']>();
  private readonly hostPhase = new Map<string, number>();
  private readonly empty: Set<PlanPhase>;

  /** `started`: when `up` began (reaching real machines comes before the plan exists). */
  constructor(private readonly plan: LabPlan, private readonly emit: (p: UpProgress) => void, private readonly started = performance.now()) {
    this.empty = new Set(
      (['pods', 'overlay', 'publishing'] as PlanPhase[]).filter((phase) => plan.hosts.every((h) => (h.phases.find((p) => p.phase === phase)?.steps.length ?? 0) === 0)),
    );
  }

  elapsed(): number {
    return Math.round(performance.now() - this.started);
  }

  start(phase: UpPhase, detail?: string): void {
    if (this.state.has(phase)) return;
    // Steps before this one that never started were not needed.
    for (const p of UP_PHASES.slice(0, UP_PHASES.indexOf(phase))) if (!this.state.has(p)) this.set(p, 'skipped');
    this.set(phase, 'started', detail);
  }

  done(phase: UpPhase, detail?: string): void {
    if (this.state.get(phase) === 'done' || this.state.get(phase) === 'skipped') return;
    this.start(phase);
    this.set(phase, this.empty.has(phase as PlanPhase) ? 'skipped' : 'done', detail ?? (this.empty.has(phase as PlanPhase) ? 'nothing to do in this lab' : undefined));
  }

  onDriverEvent(e: DriverEvent): void {
    if (e.type === 'underlay-ready') {
      this.done('underlay', e.detail);
      this.start('hosts');
      return;
    }
    if (e.type !== 'host-phase') return;
    this.hostPhase.set(e.host, HOST_PHASES.indexOf(e.phase));
    const slowest = Math.min(...this.plan.hosts.map((h) => this.hostPhase.get(h.host) ?? -1));
    HOST_PHASES.forEach((phase, i) => {
      if (phase === 'done' || phase === 'ready') return;
      if (slowest > i) this.done(phase);
      else if (HOST_PHASES.indexOf(e.phase) === i) this.start(phase);
    });
    if (slowest >= HOST_PHASES.indexOf('ready')) this.start('ready');
  }

  private set(phase: UpPhase, status: UpProgress['status'], detail?: string): void {
    this.state.set(phase, status);
    this.emit({ phase, status, elapsedMs: this.elapsed(), ...(detail ? { detail } : {}) });
  }
}
