// One terminal session: a shell stream on a host or pod, its output decoded
// to text (UTF-8 safe across chunk boundaries), coalesced into messages,
// flow-controlled by the renderer's acknowledgements, and optionally recorded.
import type { ShellStream } from '../drivers/host-driver';
import { AsciicastRecorder } from './asciicast';
import { DEFAULT_FLOW_LIMITS, FlowControl, type FlowLimits } from './flow-control';
import { terminalToPlainText } from './plain-text';
import type { TerminalRecording } from '../../shared/ipc';

export interface TerminalSink {
  data(data: string): void;
  exit(code: number | null): void;
}

export interface SessionOptions {
  cols: number;
  rows: number;
  title: string;
  flow?: FlowLimits;
  /** Largest single data message, in characters. */
  maxMessageChars?: number;
  /** Output a recording keeps (default MAX_RECORDED_CHARS). */
  maxRecordedChars?: number;
}

export class TerminalSession {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly flow: FlowControl;
  private readonly maxMessage: number;
  private pending: string[] = [];
  private pendingChars = 0;
  private flushScheduled = false;
  private recorder: AsciicastRecorder | null = null;
  private cols: number;
  private rows: number;
  private ended = false;

  constructor(private readonly stream: ShellStream, private readonly sink: TerminalSink, private readonly opts: SessionOptions) {
    this.flow = new FlowControl(stream, opts.flow ?? DEFAULT_FLOW_LIMITS);
    this.maxMessage = opts.maxMessageChars ?? 64 * 1024;
    this.cols = opts.cols;
    this.rows = opts.rows;
    stream.onData((chunk) => this.output(this.decoder.decode(chunk, { stream: true })));
    stream.onExit((code) => {
      this.output(this.decoder.decode());
      this.flush();
      this.ended = true;
      sink.exit(code);
    });
  }

  input(data: string): void {
    if (!this.ended) this.stream.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    this.recorder?.resize(cols, rows);
    if (!this.ended) await this.stream.resize(cols, rows);
  }

  ack(chars: number): void {
    this.flow.acked(chars);
  }

  /** Starts a new recording (dropping one in progress). */
  startRecording(): void {
    this.recorder = new AsciicastRecorder({ width: this.cols, height: this.rows, title: this.opts.title }, undefined, this.opts.maxRecordedChars);
  }

  /** Stops recording; null when none was running. */
  stopRecording(): TerminalRecording | null {
    const r = this.recorder;
    this.recorder = null;
    if (!r) return null;
    return { cast: r.toString(), text: terminalToPlainText(r.printed()), durationMs: Math.round(r.durationMs), ...(r.truncated ? { truncated: true } : {}) };
  }

  get unacknowledged(): number {
    return this.flow.pending;
  }

  get paused(): boolean {
    return this.flow.isPaused;
  }

  close(): void {
    this.stream.close();
  }

  private output(text: string): void {
    if (!text) return;
    this.recorder?.output(text);
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= this.maxMessage) this.flush();
    else if (!this.flushScheduled) {
      // Chunks that arrive together leave together: one message per turn.
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pendingChars === 0) return;
    const data = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.flow.sent(data.length);
    this.sink.data(data);
  }
}
