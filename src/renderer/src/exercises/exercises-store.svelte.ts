// The exercise catalogue, the exercise that is open (filled in for its
// running lab, so Run in terminal types real addresses and MACs), and its
// checks evaluated against the lab — one at a time, in the order asked.
import type { Exercise, ExerciseSummary } from '../../../shared/exercise';
import type { PodnetApi } from '../../../shared/ipc';
import { errorInfo, type ErrorInfo } from '../lib/error-info';
import type { ExerciseProgressStore } from './exercise-progress.svelte';

/** A failed check request: for one step, or for all (null). */
export interface CheckFailure {
  step: number | null;
  error: ErrorInfo;
}

/** Commands still holding a {{placeholder}} the lab could not fill in yet. */
const hasUnfilled = (e: Exercise | null) => !!e?.exerciseSteps.some((s) => s.blocks.some((b) => b.type === 'commands' && b.commands.some((c) => c.includes('{{'))));

export class ExercisesStore {
  list = $state.raw<ExerciseSummary[]>([]);
  listError = $state<ErrorInfo | null>(null);
  openId = $state<string | null>(null);
  exercise = $state.raw<Exercise | null>(null);
  loadError = $state<ErrorInfo | null>(null);
  /** Checks asked per step that have not answered yet (running, or waiting their turn). */
  private checksOpen = $state<Record<number, number>>({});
  checkFailure = $state<CheckFailure | null>(null);
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly api: PodnetApi,
    readonly progress: ExerciseProgressStore,
  ) {}

  async load(): Promise<void> {
    try {
      this.list = await this.api.invoke('exercises:list', undefined);
      this.progress.load(this.list.map((e) => e.id));
      this.listError = null;
    } catch (e) {
      this.listError = errorInfo(e);
    }
  }

  summary(id: string): ExerciseSummary | null {
    return this.list.find((e) => e.id === id) ?? null;
  }

  /** The lab an exercise runs on: the learner's choice, else its built-in lab's name. */
  labFor(id: string): string {
    return this.progress.of(id).lab ?? this.summary(id)?.lab ?? id;
  }

  setLab(id: string, lab: string): void {
    this.progress.setLab(id, lab === this.summary(id)?.lab ? null : lab);
  }

  /** Opens an exercise; `running`: its lab runs (then it is filled in from it). */
  async open(id: string, running: boolean): Promise<void> {
    if (this.openId !== id) {
      this.openId = id;
      this.exercise = null;
      this.checksOpen = {};
      this.checkFailure = null;
    }
    await this.refresh(running);
  }

  close(): void {
    this.openId = null;
    this.exercise = null;
    this.checkFailure = null;
  }

  /** Reads the open exercise again (after its lab started or was rebuilt: new addresses and MACs). */
  async refresh(running: boolean): Promise<void> {
    const id = this.openId;
    if (!id) return;
    const lab = this.labFor(id);
    try {
      const e = await this.api.invoke('exercises:get', running ? { id, lab } : { id }).catch((err: unknown) => {
        // The lab went away meanwhile: show the exercise unfilled.
        if (running && errorInfo(err).code === 'E_LAB_NOT_FOUND') return this.api.invoke('exercises:get', { id });
        throw err;
      });
      if (this.openId !== id) return;
      this.exercise = e;
      this.loadError = null;
    } catch (e) {
      if (this.openId === id) this.loadError = errorInfo(e);
    }
  }

  isChecking(step: number): boolean {
    return (this.checksOpen[step] ?? 0) > 0;
  }

  /** Checks one step (or every step) against the lab; checks run one request at a time. */
  check(step?: number): Promise<void> {
    const e = this.exercise;
    if (!e) return Promise.resolve();
    const steps = step === undefined ? e.exerciseSteps.map((s) => s.number) : [step];
    for (const n of steps) this.checksOpen[n] = (this.checksOpen[n] ?? 0) + 1;
    const run = async () => {
      const id = e.id;
      try {
        const results = await this.api.invoke('exercises:check', { id, lab: this.labFor(id), ...(step === undefined ? {} : { step }) });
        this.progress.record(id, results);
        if (this.checkFailure?.step === (step ?? null)) this.checkFailure = null;
        // What a step built (a device, its MAC) can fill in the next steps' commands.
        if (this.openId === id && hasUnfilled(this.exercise)) await this.refresh(true);
      } catch (err) {
        this.checkFailure = { step: step ?? null, error: errorInfo(err) };
      } finally {
        for (const n of steps) this.checksOpen[n] = Math.max(0, (this.checksOpen[n] ?? 1) - 1);
      }
    };
    const next = this.queue.then(run);
    this.queue = next;
    return next;
  }
}
