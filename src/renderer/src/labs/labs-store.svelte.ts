// Built-in labs, running labs, and the launches and stops the user started —
// each remembered where the user acted (a built-in lab's card, or the lab
// file they opened), so progress and errors show up there.
import type { BuiltinLab, LabSummary } from '../../../shared/lab';
import type { ExerciseRef, LaunchResult, LaunchSource, PodnetApi } from '../../../shared/ipc';
import { errorInfo, type ErrorInfo } from '../lib/error-info';
import { applyProgress, endPhases, initialPhases, type PhaseView } from './launch-state';

export interface Launch {
  opId: string;
  /** Where the user acted: `builtin:<name>`, `file` or `exercise:<id>`. */
  key: string;
  label: string;
  phases: PhaseView[];
  log: string[];
  status: 'running' | 'done' | 'failed' | 'cancelled';
  error: ErrorInfo | null;
  /** The lab file's text, to show diagnostics in context. */
  sourceText: string | null;
  lab: string | null;
  elapsedMs: number | null;
}

export type StopState = { status: 'stopping' } | { status: 'failed'; error: ErrorInfo };
export type RepairState = { status: 'repairing' } | { status: 'failed'; error: ErrorInfo } | { status: 'done'; done: string[] };

const LOG_LINES = 200;

export class LabsStore {
  builtin = $state<BuiltinLab[]>([]);
  running = $state<LabSummary[]>([]);
  launches = $state<Record<string, Launch>>({});
  stops = $state<Record<string, StopState>>({});
  repairs = $state<Record<string, RepairState>>({});
  listError = $state<ErrorInfo | null>(null);
  private readonly off: (() => void)[] = [];
  private seq = 0;

  constructor(private readonly api: PodnetApi) {
    this.off.push(
      api.on('up:progress', ({ opId, progress }) => {
        const l = this.byOp(opId);
        if (l) l.phases = applyProgress(l.phases, progress);
      }),
      api.on('up:log', ({ opId, line }) => {
        const l = this.byOp(opId);
        if (l) l.log = [...l.log.slice(-(LOG_LINES - 1)), line];
      }),
    );
  }

  async load(): Promise<void> {
    try {
      this.builtin = await this.api.invoke('labs:builtin', undefined);
    } catch (e) {
      this.listError = errorInfo(e);
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.running = await this.api.invoke('labs:list', undefined);
      this.listError = null;
    } catch (e) {
      this.listError = errorInfo(e);
    }
  }

  isRunning(name: string): boolean {
    return this.running.some((l) => l.name === name);
  }

  launchAt(key: string): Launch | null {
    return this.launches[key] ?? null;
  }

  /** Builds a lab; resolves with its name, or null when it failed or was cancelled. */
  launch(key: string, label: string, source: LaunchSource, sourceText: string | null = null): Promise<string | null> {
    return this.track(key, label, sourceText, (opId) => this.api.invoke('labs:up', { opId, source }));
  }

  /** Starts an exercise's lab (`reset`: rebuilds a running one) with the same progress as a launch. */
  launchExercise(key: string, label: string, exercise: ExerciseRef & { reset?: boolean }): Promise<string | null> {
    return this.track(key, label, null, (opId) => this.api.invoke('exercises:start', { opId, ...exercise }));
  }

  private async track(key: string, label: string, sourceText: string | null, build: (opId: string) => Promise<LaunchResult>): Promise<string | null> {
    if (this.launches[key]?.status === 'running') return null;
    const opId = `op-${Date.now().toString(36)}-${++this.seq}`;
    this.launches[key] = { opId, key, label, phases: initialPhases(), log: [], status: 'running', error: null, sourceText, lab: null, elapsedMs: null };
    const launch = this.launches[key]!;
    try {
      const result = await build(opId);
      launch.status = 'done';
      launch.lab = result.name;
      launch.elapsedMs = result.elapsedMs;
      await this.refresh();
      return result.name;
    } catch (e) {
      const info = errorInfo(e);
      const cancelled = info.code === 'E_CANCELLED';
      launch.status = cancelled ? 'cancelled' : 'failed';
      launch.phases = endPhases(launch.phases, cancelled ? 'cancelled' : 'failed');
      launch.error = cancelled ? null : info;
      await this.refresh();
      return null;
    }
  }

  async cancel(key: string): Promise<void> {
    const l = this.launches[key];
    if (l?.status === 'running') await this.api.invoke('labs:cancel', { opId: l.opId }).catch(() => undefined);
  }

  dismiss(key: string): void {
    delete this.launches[key];
  }

  /** Stops a lab; true when it is gone. */
  async stop(name: string): Promise<boolean> {
    this.stops[name] = { status: 'stopping' };
    try {
      await this.api.invoke('labs:down', { name });
      delete this.stops[name];
      for (const l of Object.values(this.launches)) if (l.lab === name && l.status === 'done') delete this.launches[l.key];
      await this.refresh();
      return true;
    } catch (e) {
      this.stops[name] = { status: 'failed', error: errorInfo(e) };
      return false;
    }
  }

  /** Brings a degraded lab back; true when it runs as built again. */
  async repair(name: string): Promise<boolean> {
    this.repairs[name] = { status: 'repairing' };
    try {
      const r = await this.api.invoke('labs:repair', { name });
      this.repairs[name] = { status: 'done', done: r.done };
      await this.refresh();
      return true;
    } catch (e) {
      this.repairs[name] = { status: 'failed', error: errorInfo(e) };
      await this.refresh();
      return false;
    }
  }

  dismissRepair(name: string): void {
    delete this.repairs[name];
  }

  dispose(): void {
    for (const f of this.off) f();
  }

  private byOp(opId: string): Launch | undefined {
    return Object.values(this.launches).find((l) => l.opId === opId);
  }
}
