// Reads the output of a host's build script as it arrives: each phase
// marker line becomes a `host-phase` event; what follows the last marker
// (`done`) is the readiness read-back. The same for every driver.
import { ERROR_CODES } from '../../shared/errors';
import type { ExecResult } from '../../shared/lab';
import { PodnetError } from '../errors';
import { PHASE_MARK } from '../plan/render-script';
import type { PlanPhase } from '../plan/step';
import type { DriverEvent } from './host-driver';

export class PhaseReader {
  private pending = '';
  private current: PlanPhase | 'done' | null = null;
  private after = '';

  constructor(private readonly host: string, private readonly onEvent: (e: DriverEvent) => void) {}

  /** The phase the script is in (null before the first marker). */
  get phase(): PlanPhase | 'done' | null {
    return this.current;
  }

  /** What the script printed after its last phase. */
  get tail(): string {
    return this.after;
  }

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (this.current === 'done') {
      this.after += text;
      return;
    }
    this.pending += text;
    let nl: number;
    while (this.current !== 'done' && (nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      if (line.startsWith(PHASE_MARK)) {
        this.current = line.slice(PHASE_MARK.length) as PlanPhase | 'done';
        this.onEvent({ type: 'host-phase', host: this.host, phase: this.current });
      }
    }
    if (this.current === 'done') {
      this.after += this.pending;
      this.pending = '';
    }
  }

  /** Throws the build failure (with the last lines of stderr) unless the script succeeded. */
  check(result: Pick<ExecResult, 'code' | 'stderr'>): void {
    if (result.code === 0) return;
    const why = result.stderr.trim().split('\n').slice(-6).join('\n') || `exit code ${result.code}`;
    throw new PodnetError(ERROR_CODES.APPLY, `${this.host}: building the lab failed in phase "${this.current ?? 'start'}":\n${why}`);
  }
}
