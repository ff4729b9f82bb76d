// Live observation of one lab: polls its hosts over warm channels and pushes
// a new Snapshot (rising revision) whenever the real state changes.
import type { Snapshot } from '../shared/snapshot';
import { observeLab, snapshotFingerprint } from './observe/observe-lab';
import type { HostDriver } from './drivers/host-driver';

export type SnapshotListener = (s: Snapshot) => void;

export class LabWatcher {
  private readonly listeners = new Set<SnapshotListener>();
  private readonly errorListeners = new Set<(e: Error) => void>();
  private revision = 0;
  private fingerprint = '';
  private latest: Snapshot | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  private driver: Promise<HostDriver> | null = null;

  /** `resolve` finds the driver holding the lab (asked again after a failure). */
  constructor(private readonly resolve: () => Promise<HostDriver>, private readonly lab: string, private readonly minIntervalMs: number) {}

  subscribe(listener: SnapshotListener, onError?: (e: Error) => void): () => void {
    this.listeners.add(listener);
    if (onError) this.errorListeners.add(onError);
    if (this.latest) listener(this.latest);
    if (!this.timer && !this.stopped) this.schedule(0);
    return () => {
      this.listeners.delete(listener);
      if (onError) this.errorListeners.delete(onError);
      if (this.listeners.size === 0) this.stop();
    };
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Reads now instead of waiting for the next tick (after a command that changes state). */
  poke(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.schedule(0);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    const started = performance.now();
    try {
      const driver = await (this.driver ??= this.resolve());
      const summary = (await driver.list()).find((l) => l.name === this.lab);
      if (!summary) throw new Error(`lab ${this.lab} is not running`);
      const snapshot = await observeLab(driver, summary);
      const fp = snapshotFingerprint(snapshot);
      if (fp !== this.fingerprint) {
        this.fingerprint = fp;
        this.latest = { ...snapshot, revision: ++this.revision };
        for (const l of this.listeners) l(this.latest);
      }
    } catch (e) {
      this.driver = null;
      for (const l of this.errorListeners) l(e instanceof Error ? e : new Error(String(e)));
    }
    if (this.stopped) return;
    // Never more than half the time spent reading: a big lab polls less often.
    this.schedule(Math.max(this.minIntervalMs, (performance.now() - started) * 2));
  }
}
