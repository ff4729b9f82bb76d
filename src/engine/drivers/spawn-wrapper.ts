// How a driver can stop a process it started on a host, whatever the
// transport: the argv runs under a tiny `sh` that first reports its PID on
// stderr (a marked line) and then execs the argv — same PID — so a later
// `kill -<SIG> <pid>` on the same host reaches exactly that process. The
// argv itself is passed as positional parameters ("$@"), never parsed by the shell.
// Where the process leads its own process group (a `docker exec`, an SSH
// session), the signal goes to the whole group, as a terminal's Ctrl-C
// does: `exec -- sh -c 'sleep 9 | cat'` ends with everything it started.
import type { ProcessSignal } from './host-driver';

const PID_LINE = /^\x1epid (\d+)\n/;

export function pidReportingArgv(argv: readonly string[]): string[] {
  return ['sh', '-c', `printf '\\036pid %s\\n' "$$" >&2; exec "$@"`, 'sh', ...argv];
}

/**
 * Signals the process group the PID leads, else the process alone. A group
 * with that id can only be the one this process leads: Linux never hands out
 * a PID that is still some group's id. (`kill -SIG -PGID`: dash's kill has no `--`.)
 */
export function killArgv(signal: ProcessSignal, pid: number): string[] {
  return ['sh', '-c', `kill -${signal} -"$1" 2>/dev/null || kill -${signal} "$1"`, 'sh', String(pid)];
}

/** Takes the PID line off the start of stderr; everything after it is forwarded untouched. */
export class PidLineFilter {
  private head: Buffer | null = Buffer.alloc(0);
  private ended = false;
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

  /** The stream ended (the process is gone): whatever is held back is passed on. */
  end(): void {
    this.ended = true;
    if (this.head && this.head.length > 0) this.forward(this.head);
    this.head = null;
    this.resolvePid(null);
  }

  /** The argv that signals the process on its host, or null once it has ended or when it never reported a PID. */
  async signalArgv(signal: ProcessSignal): Promise<string[] | null> {
    const pid = await this.pid;
    return this.ended || pid === null ? null : killArgv(signal, pid);
  }
}
