// A warm shell on a host that runs scripts one after another over the same
// stdin/stdout, so a read of the host costs a few forks instead of a new
// `docker exec` (or SSH channel) each time. Transport-agnostic.
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { ExecResult } from '../../shared/lab';
import { formatDuration } from '../util/duration';

export interface ChannelTransport {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Called when the remote shell is gone (even if a child of it still holds stdout open). */
  onClose(listener: () => void): void;
  close(): void;
}

interface Pending {
  id: string;
  script: string;
  timeoutMs: number;
  resolve(r: ExecResult): void;
  reject(e: Error): void;
}

/** Scripts slower than this are told with PODNET_DEBUG=1. */
const SLOW_MS = 2000;

export class ScriptChannel {
  private transport: Promise<ChannelTransport> | null = null;
  private queue: Pending[] = [];
  private busy = false;
  private out = '';
  private err = '';
  private current: Pending | null = null;
  private onProgress: (() => void) | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly open: () => Promise<ChannelTransport>, private readonly label: string) {}

  run(script: string, timeoutMs = 10_000): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new Error(`${this.label}: channel closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: randomBytes(6).toString('hex'), script, timeoutMs, resolve, reject });
      void this.pump();
    });
  }

  close(): void {
    this.closed = true;
    this.reset(new Error(`${this.label}: channel closed`));
  }

  private connect(): Promise<ChannelTransport> {
    if (!this.transport) {
      const t = this.open().then((tr) => {
        const fail = () => this.reset(new Error(`${this.label}: connection to the host ended`));
        tr.stdout.on('data', (b: Buffer) => {
          this.out += b.toString('utf8');
          this.onProgress?.();
        });
        tr.stderr.on('data', (b: Buffer) => {
          this.err += b.toString('utf8');
          this.onProgress?.();
        });
        tr.onClose(() => {
          if (this.transport === t) fail();
        });
        tr.stdout.on('error', fail);
        tr.stdin.on('error', fail);
        return tr;
      });
      t.catch(() => {
        if (this.transport === t) this.transport = null;
      });
      this.transport = t;
    }
    return this.transport;
  }

  /** Drops the connection; every waiting call fails with `error`. The next run reconnects. */
  private reset(error: Error): void {
    const t = this.transport;
    this.transport = null;
    this.out = '';
    this.err = '';
    this.onProgress = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const waiting = [...(this.current ? [this.current] : []), ...this.queue];
    this.current = null;
    this.queue = [];
    this.busy = false;
    for (const p of waiting) p.reject(error);
    void t?.then((tr) => tr.close()).catch(() => undefined);
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    const next = this.queue.shift();
    if (!next) return;
    this.busy = true;
    this.current = next;
    let tr: ChannelTransport;
    try {
      tr = await this.connect();
    } catch (e) {
      this.current = null;
      this.busy = false;
      next.reject(e instanceof Error ? e : new Error(String(e)));
      void this.pump();
      return;
    }
    const outMark = `\n\x1edone ${next.id} `;
    const errMark = `\n\x1edone ${next.id}\n`;
    const sent = Date.now();
    this.timer = setTimeout(() => this.reset(new Error(`${this.label}: the host did not answer within ${formatDuration(next.timeoutMs)}`)), next.timeoutMs);
    this.onProgress = () => {
      const o = this.out.indexOf(outMark);
      const e = this.err.indexOf(errMark);
      if (o < 0 || e < 0) return;
      const codeEnd = this.out.indexOf('\n', o + outMark.length);
      if (codeEnd < 0) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      const code = Number(this.out.slice(o + outMark.length, codeEnd));
      const result = { code, stdout: this.out.slice(0, o), stderr: this.err.slice(0, e) };
      this.out = this.out.slice(codeEnd + 1);
      this.err = this.err.slice(e + errMark.length);
      this.onProgress = null;
      this.current = null;
      this.busy = false;
      const took = Date.now() - sent;
      if (took > SLOW_MS && process.env.PODNET_DEBUG) process.stderr.write(`[channel ${this.label}] a script took ${took} ms (allowed ${next.timeoutMs} ms)\n`);
      next.resolve(result);
      void this.pump();
    };
    // The script runs in a subshell so `exit`, `set -e` or `cd` cannot break the channel.
    tr.stdin.write(`(\n${next.script}\n) </dev/null; printf '\\n\\036done %s %s\\n' ${next.id} "$?"; printf '\\n\\036done %s\\n' ${next.id} >&2\n`);
    this.onProgress();
  }
}
