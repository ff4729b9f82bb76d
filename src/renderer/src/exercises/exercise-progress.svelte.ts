// Progress through the exercises, remembered per exercise in the page's
// storage: what each check last said, which steps were ever passed, the
// hints and solutions shown, and the lab the learner uses.
import type { StepCheck } from '../../../shared/exercise';
import { emptyProgress, emptyStep, parseProgress, serializeProgress, STORAGE_PREFIX, withResult, type ExerciseProgress, type KeyValueStorage, type StepProgress } from './progress-storage';

const NONE: ExerciseProgress = Object.freeze({ lab: null, steps: Object.freeze({}) }) as ExerciseProgress;
const NO_STEP: StepProgress = Object.freeze(emptyStep());

function stepOf(p: ExerciseProgress, step: number): StepProgress {
  if (!p.steps[step]) p.steps[step] = emptyStep();
  return p.steps[step]!;
}

export class ExerciseProgressStore {
  private byId = $state<Record<string, ExerciseProgress>>({});

  /** `storage`: window.localStorage in the app; null keeps progress in memory only. */
  constructor(private readonly storage: KeyValueStorage | null) {}

  /** Reads what is stored for these exercises (call once the list is known). */
  load(ids: readonly string[]): void {
    for (const id of ids) {
      const stored = parseProgress(this.read(id));
      if (stored) this.byId[id] = stored;
    }
  }

  of(id: string): ExerciseProgress {
    return this.byId[id] ?? NONE;
  }

  step(id: string, step: number): StepProgress {
    return this.byId[id]?.steps[step] ?? NO_STEP;
  }

  /** Nothing is remembered for any exercise yet: a first visit. */
  get fresh(): boolean {
    return Object.keys(this.byId).length === 0;
  }

  /** Steps passed at least once. */
  doneCount(id: string): number {
    return Object.values(this.of(id).steps).filter((s) => s.done).length;
  }

  record(id: string, results: readonly StepCheck[], at = new Date()): void {
    this.update(id, (p) => {
      for (const r of results) p.steps[r.step] = withResult($state.snapshot(p.steps[r.step]) ?? emptyStep(), r, at);
    });
  }

  showHint(id: string, step: number, total: number): void {
    this.update(id, (p) => {
      const s = stepOf(p, step);
      s.hints = Math.min(total, s.hints + 1);
    });
  }

  showSolution(id: string, step: number): void {
    this.update(id, (p) => {
      stepOf(p, step).solution = true;
    });
  }

  setLab(id: string, lab: string | null): void {
    this.update(id, (p) => {
      p.lab = lab;
    });
  }

  /** Forgets the checks, hints and solutions (the lab name stays). */
  clear(id: string): void {
    this.update(id, (p) => {
      p.steps = {};
    });
  }

  private update(id: string, change: (p: ExerciseProgress) => void): void {
    // Assigned, then read back: changes go through the state proxy (and show).
    if (!this.byId[id]) this.byId[id] = emptyProgress();
    const p = this.byId[id]!;
    change(p);
    try {
      this.storage?.setItem(STORAGE_PREFIX + id, serializeProgress($state.snapshot(p) as ExerciseProgress));
    } catch {
      // storage full or refused (private mode): progress stays for this session
    }
  }

  private read(id: string): string | null {
    try {
      return this.storage?.getItem(STORAGE_PREFIX + id) ?? null;
    } catch {
      return null;
    }
  }
}
