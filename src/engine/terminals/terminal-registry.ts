// The terminal sessions of one client (a window or a browser tab), by id.
// Closing the client closes every session it opened.
import { randomBytes } from 'node:crypto';
import { ERROR_CODES } from '../../shared/errors';
import type { TerminalInfo, TerminalRecording } from '../../shared/ipc';
import type { ShellStream } from '../drivers/host-driver';
import { PodnetError } from '../errors';
import type { FlowLimits } from './flow-control';
import { TerminalSession } from './terminal-session';

export interface OpenTerminal {
  lab: string;
  target: string;
  cols: number;
  rows: number;
  /** What runs instead of the login shell. */
  argv?: string[];
  title?: string;
}

export interface TerminalEvents {
  data(id: string, data: string): void;
  exit(id: string, code: number | null): void;
}

export type ShellOpener = (lab: string, target: string, size: { cols: number; rows: number }, opts: { argv?: string[] }) => Promise<ShellStream>;

export class TerminalRegistry {
  private readonly sessions = new Map<string, TerminalSession>();
  private closed = false;

  constructor(private readonly openShell: ShellOpener, private readonly events: TerminalEvents, private readonly flow?: FlowLimits) {}

  async open(req: OpenTerminal): Promise<TerminalInfo> {
    const stream = await this.openShell(req.lab, req.target, { cols: req.cols, rows: req.rows }, req.argv ? { argv: req.argv } : {});
    const id = `t${randomBytes(8).toString('hex')}`;
    const title = req.title ?? req.target;
    if (this.closed) {
      stream.close();
      throw new PodnetError(ERROR_CODES.CANCELLED, 'the window that asked for this terminal is gone');
    }
    const session = new TerminalSession(
      stream,
      {
        data: (data) => this.events.data(id, data),
        // An ended session stays until its tab closes: its recording can still be saved.
        exit: (code) => this.events.exit(id, code),
      },
      { cols: req.cols, rows: req.rows, title: `${req.lab} ${title}`, ...(this.flow ? { flow: this.flow } : {}) },
    );
    this.sessions.set(id, session);
    return { id, lab: req.lab, target: req.target, title };
  }

  input(id: string, data: string): void {
    this.get(id).input(data);
  }

  resize(id: string, cols: number, rows: number): Promise<void> {
    return this.get(id).resize(cols, rows);
  }

  /** Acks for a session that just ended are harmless. */
  ack(id: string, chars: number): void {
    this.sessions.get(id)?.ack(chars);
  }

  record(id: string, on: boolean): TerminalRecording | null {
    const session = this.get(id);
    if (on) {
      session.startRecording();
      return null;
    }
    return session.stopRecording();
  }

  close(id: string): void {
    this.sessions.get(id)?.close();
    this.sessions.delete(id);
  }

  closeAll(): void {
    this.closed = true;
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }

  private get(id: string): TerminalSession {
    const s = this.sessions.get(id);
    if (!s) throw new PodnetError(ERROR_CODES.USAGE, `no terminal session ${id} (it has ended)`, { hint: 'open a new terminal' });
    return s;
  }
}
