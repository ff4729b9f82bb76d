// End-to-end flow control for one terminal session (as in VS Code's
// terminals): count the characters sent to the renderer and not yet rendered;
// pause the source above the high-water mark, resume below the low one.

export interface FlowLimits {
  /** Pause the source when this many characters are unacknowledged. */
  high: number;
  /** Resume it when fewer than this many are. */
  low: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = { high: 100_000, low: 5_000 };

export class FlowControl {
  private unacked = 0;
  private paused = false;

  constructor(
    private readonly source: { pause(): void; resume(): void },
    private readonly limits: FlowLimits = DEFAULT_FLOW_LIMITS,
  ) {}

  /** Characters handed to the renderer. */
  sent(chars: number): void {
    this.unacked += chars;
    if (!this.paused && this.unacked >= this.limits.high) {
      this.paused = true;
      this.source.pause();
    }
  }

  /** Characters the renderer has rendered. */
  acked(chars: number): void {
    this.unacked = Math.max(0, this.unacked - chars);
    if (this.paused && this.unacked < this.limits.low) {
      this.paused = false;
      this.source.resume();
    }
  }

  get pending(): number {
    return this.unacked;
  }

  get isPaused(): boolean {
    return this.paused;
  }
}
