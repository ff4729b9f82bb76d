// Records a terminal session as asciicast v2: a JSON header line, then one
// `[seconds, "o", data]` line per output chunk and `[seconds, "r", "COLSxROWS"]`
// per resize. Plays in asciinema (`asciinema play x.cast`).
// https://docs.asciinema.org/manual/asciicast/v2/
// The output is kept once (the chunks as they came, also giving the plain
// text) and bounded: past `maxOutputChars` the recording stops taking output
// and says it was cut.

export interface AsciicastHeader {
  width: number;
  height: number;
  title?: string;
}

/** Output a recording keeps: 8 Mi characters (a `cat` of a large file fills it; a session of typing never does). */
export const MAX_RECORDED_CHARS = 8 * 1024 * 1024;
const MAX_RESIZES = 10_000;

type CastEvent = [seconds: number, code: 'o' | 'r', data: string];

export class AsciicastRecorder {
  private readonly header: string;
  private readonly events: CastEvent[] = [];
  private readonly started: number;
  private outputChars = 0;
  private resizes = 0;
  private cut = false;

  constructor(
    header: AsciicastHeader,
    private readonly now: () => number = () => performance.now(),
    private readonly maxOutputChars = MAX_RECORDED_CHARS,
  ) {
    this.started = now();
    this.header = JSON.stringify({
      version: 2,
      width: header.width,
      height: header.height,
      timestamp: Math.floor(Date.now() / 1000),
      ...(header.title ? { title: header.title } : {}),
      env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
    });
  }

  output(data: string): void {
    if (this.cut) return;
    if (this.outputChars + data.length > this.maxOutputChars) {
      this.cut = true;
      return;
    }
    this.outputChars += data.length;
    this.event('o', data);
  }

  resize(cols: number, rows: number): void {
    if (this.resizes++ < MAX_RESIZES) this.event('r', `${cols}x${rows}`);
  }

  get durationMs(): number {
    return this.now() - this.started;
  }

  /** The recording stopped taking output at its bound. */
  get truncated(): boolean {
    return this.cut;
  }

  /** Everything printed while recording, as it came. */
  printed(): string {
    return this.events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join('');
  }

  /** The whole recording, newline-terminated. */
  toString(): string {
    return [this.header, ...this.events.map((e) => JSON.stringify(e))].join('\n') + '\n';
  }

  private event(code: 'o' | 'r', data: string): void {
    const seconds = Math.round((this.now() - this.started) * 1000) / 1_000_000;
    this.events.push([seconds, code, data]);
  }
}
