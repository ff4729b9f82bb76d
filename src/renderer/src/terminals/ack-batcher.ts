// Acknowledgements of rendered terminal output, per session, sent in
// batches: one message per session every few milliseconds instead of one
// per xterm write callback.
export class AckBatcher {
  private readonly pending = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (id: string, chars: number) => void,
    private readonly delayMs = 8,
  ) {}

  add(id: string, chars: number): void {
    if (chars <= 0) return;
    this.pending.set(id, (this.pending.get(id) ?? 0) + chars);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [id, chars] of batch) this.send(id, chars);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}
