// Records a terminal session as asciicast v2: a JSON header line, then one
// `[seconds, "o", data]` line per output chunk and `[seconds, "r", "COLSxROWS"]`
// per resize. Plays in asciinema (`asciinema play x.cast`).
// https://docs.asciinema.org/manual/asciicast/v2/

export interface AsciicastHeader {
  width: number;
  height: number;
  title?: string;
}

export class AsciicastRecorder {
  private readonly lines: string[];
  private readonly started: number;

  constructor(header: AsciicastHeader, private readonly now: () => number = () => performance.now()) {
    this.started = now();
    this.lines = [
      JSON.stringify({
        version: 2,
        width: header.width,
        height: header.height,
        timestamp: Math.floor(Date.now() / 1000),
        ...(header.title ? { title: header.title } : {}),
        env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
      }),
    ];
  }

  output(data: string): void {
    this.event('o', data);
  }

  resize(cols: number, rows: number): void {
    this.event('r', `${cols}x${rows}`);
  }

  get durationMs(): number {
    return this.now() - this.started;
  }

  /** The whole recording, newline-terminated. */
  toString(): string {
    return this.lines.join('\n') + '\n';
  }

  private event(code: 'o' | 'r', data: string): void {
    const seconds = Math.round((this.now() - this.started) * 1000) / 1_000_000;
    this.lines.push(JSON.stringify([seconds, code, data]));
  }
}
