// Routes pushed terminal output to the view that shows it. Output for a
// session that has no view yet (it can arrive before `terminal:open`
// answers) waits, bounded, until the view attaches.
export interface OutputSink {
  data(data: string): void;
  exit(code: number | null): void;
}

const MAX_EARLY_CHARS = 1_000_000;

export class SessionOutput {
  private readonly sinks = new Map<string, OutputSink>();
  private readonly early = new Map<string, { data: string[]; chars: number; exit?: number | null }>();

  deliver(id: string, data: string): void {
    const sink = this.sinks.get(id);
    if (sink) return sink.data(data);
    const e = this.earlyFor(id);
    if (e.chars + data.length > MAX_EARLY_CHARS) return;
    e.data.push(data);
    e.chars += data.length;
  }

  exit(id: string, code: number | null): void {
    const sink = this.sinks.get(id);
    if (sink) sink.exit(code);
    else this.earlyFor(id).exit = code;
  }

  attach(id: string, sink: OutputSink): void {
    this.sinks.set(id, sink);
    const e = this.early.get(id);
    this.early.delete(id);
    if (!e) return;
    if (e.data.length) sink.data(e.data.join(''));
    if (e.exit !== undefined) sink.exit(e.exit);
  }

  detach(id: string): void {
    this.sinks.delete(id);
    this.early.delete(id);
  }

  private earlyFor(id: string) {
    let e = this.early.get(id);
    if (!e) this.early.set(id, (e = { data: [], chars: 0 }));
    return e;
  }
}
