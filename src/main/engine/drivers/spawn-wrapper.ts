// How a driver can stop a process it started on a host, whatever the
// transport: the argv runs under a tiny `sh` that first reports its PID on
// stderr (a marked line) and then execs the argv — same PID — so a later
// `kill -<SIG> <pid>` on the same host reaches exactly that process. The
// argv itself is passed as positional parameters ("$@"), never parsed by the shell.

const PID_LINE = /^\x1epid (\d+)\n/;

export function pidReportingArgv(argv: readonly string[]): string[] {
  return ['sh', '-c', `printf '\\036pid %s\\n' "$$" >&2; exec "$@"`, 'sh', ...argv];
}

export function killArgv(signal: 'INT' | 'TERM' | 'KILL', pid: number): string[] {
  return ['kill', `-${signal}`, String(pid)];
}

/** Takes the PID line off the start of stderr; everything after it is forwarded untouched. */
export class PidLineFilter {
  private head: Buffer | null = Buffer.alloc(0);
  private resolvePid!: (pid: number | null) => void;
  /** The process's PID, or null when it never reported one (it failed to start). */
  readonly pid = new Promise<number | null>((resolve) => (this.resolvePid = resolve));

  constructor(private readonly forward: (chunk: Buffer) => void) {}

  push(chunk: Buffer): void {
    if (this.head === null) {
      this.forward(chunk);
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    const nl = this.head.indexOf(0x0a);
    if (nl < 0 && this.head.length < 64) return;
    const m = PID_LINE.exec(this.head.subarray(0, nl + 1).toString('latin1'));
    const rest = m ? this.head.subarray(nl + 1) : this.head;
    this.head = null;
    this.resolvePid(m ? Number(m[1]) : null);
    if (rest.length > 0) this.forward(rest);
  }

  /** The stream ended: whatever is held back is passed on. */
  end(): void {
    if (this.head && this.head.length > 0) this.forward(this.head);
    this.head = null;
    this.resolvePid(null);
  }
}
