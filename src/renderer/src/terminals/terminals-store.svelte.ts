// The terminal tabs: opening a session when its view has measured itself,
// input, resize, flow-control acks, recording, closing (which ends the
// session on the host), and commands typed in for the user (Run in terminal).
import type { PodnetApi, TerminalRecording } from '../../../shared/ipc';
import { errorMessage } from '../lib/error-info';
import { AckBatcher } from './ack-batcher';
import { SessionOutput, type OutputSink } from './session-output';

/** A login shell, a shell for one command that keeps running (tcpdump), or a ping. */
export type TerminalPurpose = 'shell' | 'own' | 'ping';

/** A killed session's lab is asked this many times, this far apart, whether it is being stopped. */
const STOPPED_CHECKS = 6;
const STOPPED_CHECK_MS = 500;

/** How long Run in terminal waits for a new shell's first output (its prompt). */
const READY_TIMEOUT_MS = 15_000;

export interface TerminalTab {
  key: number;
  purpose: TerminalPurpose;
  /** The session has printed something (its prompt): typed input goes to the shell. */
  ready: boolean;
  lab: string;
  target: string;
  title: string;
  /** Address pinged instead of a shell (the Ping… action). */
  ping: string | null;
  id: string | null;
  status: 'opening' | 'open' | 'exited' | 'failed';
  exitCode: number | null;
  error: string | null;
  recording: boolean;
  recordingStartedAt: number | null;
  lastRecording: TerminalRecording | null;
  /** The size the view last measured (sent once the session is open, and after every fit). */
  size: { cols: number; rows: number } | null;
  /** The lab was stopped (by the user here, or it left the list): its sessions end for that reason. */
  labStopped: boolean;
}

/** Why a session ended, as its terminal says it. */
export function endedText(tab: Pick<TerminalTab, 'labStopped'>, code: number | null): string {
  return tab.labStopped ? 'lab stopped' : `session ended${code === null ? '' : `, exit code ${code}`}`;
}

export class TerminalsStore {
  tabs = $state<TerminalTab[]>([]);
  activeKey = $state<number | null>(null);
  /** Whether the active terminal takes the keyboard focus (not when a command was run in it from elsewhere). */
  activeFocus = $state(true);
  /**
   * A terminal kept in view beside the active one: a command that waits for
   * traffic (tcpdump) stays visible while the next commands run elsewhere.
   */
  pinnedKey = $state<number | null>(null);
  readonly active: TerminalTab | null = $derived(this.tabs.find((t) => t.key === this.activeKey) ?? null);
  private readonly output = new SessionOutput();
  private readonly acks: AckBatcher;
  private readonly off: (() => void)[] = [];
  private nextKey = 1;
  private readonly readyWaiters = new Map<number, ((ready: boolean) => void)[]>();
  /** The size each session was last told. */
  private readonly sent = new Map<number, { cols: number; rows: number }>();

  constructor(private readonly api: PodnetApi) {
    this.acks = new AckBatcher((id, chars) => void api.invoke('terminal:ack', { id, chars }).catch(() => undefined));
    this.off.push(
      api.on('terminal:data', ({ id, data }) => this.output.deliver(id, data)),
      api.on('terminal:exit', ({ id, code }) => this.output.exit(id, code)),
    );
  }

  /** A new tab; its view connects it once it knows its size. */
  open(lab: string, target: string, opts: { ping?: string; title?: string; purpose?: TerminalPurpose } = {}): number {
    const key = this.nextKey++;
    this.tabs.push({
      key,
      purpose: opts.ping ? 'ping' : (opts.purpose ?? 'shell'),
      ready: false,
      lab,
      target,
      title: opts.title ?? target,
      ping: opts.ping ?? null,
      id: null,
      status: 'opening',
      exitCode: null,
      error: null,
      recording: false,
      recordingStartedAt: null,
      lastRecording: null,
      size: null,
      labStopped: false,
    });
    this.activate(key);
    return key;
  }

  activate(key: number, focus = true): void {
    this.activeKey = key;
    this.activeFocus = focus;
  }

  /** The terminal shown beside the active one (null: none; the active one itself is never shown twice). */
  get beside(): number | null {
    return this.pinnedKey !== null && this.pinnedKey !== this.activeKey && this.tab(this.pinnedKey) ? this.pinnedKey : null;
  }

  unpin(): void {
    this.pinnedKey = null;
  }

  /**
   * Types a command line into the target's terminal and runs it: in its last
   * open shell, or a new one. `own`: always a new terminal (a command that
   * keeps running, like tcpdump, while the next ones go elsewhere).
   */
  async run(lab: string, target: string, line: string, opts: { own?: boolean } = {}): Promise<void> {
    const reuse = opts.own
      ? undefined
      : this.tabs.findLast((t) => t.lab === lab && t.target === target && t.purpose === 'shell' && (t.status === 'open' || t.status === 'opening'));
    const key = reuse?.key ?? this.open(lab, target, opts.own ? { purpose: 'own', title: `${target} · ${line.split(' ')[0]}` } : {});
    this.activate(key, false);
    // A waiting command stays in view beside the terminal the next commands go to.
    if (opts.own) this.pinnedKey = key;
    if (!(await this.whenReady(key))) {
      const tab = this.tab(key);
      throw new Error(`the terminal on ${target} did not open${tab?.error ? `: ${tab.error}` : ''}`);
    }
    this.input(key, `${line}\r`);
  }

  /** Resolves true once the session has printed something (its prompt), false if it failed or ended first. */
  whenReady(key: number, timeoutMs = READY_TIMEOUT_MS): Promise<boolean> {
    const tab = this.tab(key);
    if (!tab || tab.status === 'failed' || tab.status === 'exited') return Promise.resolve(false);
    if (tab.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(key, this.tab(key)?.status === 'open'), timeoutMs);
      const waiters = this.readyWaiters.get(key) ?? [];
      waiters.push((ready) => {
        clearTimeout(timer);
        resolve(ready);
      });
      this.readyWaiters.set(key, waiters);
    });
  }

  private settle(key: number, ready: boolean): void {
    const waiters = this.readyWaiters.get(key) ?? [];
    this.readyWaiters.delete(key);
    for (const w of waiters) w(ready);
  }

  tab(key: number): TerminalTab | undefined {
    return this.tabs.find((t) => t.key === key);
  }

  async connect(key: number, size: { cols: number; rows: number }, sink: OutputSink): Promise<void> {
    const tab = this.tab(key);
    if (!tab || tab.id) return;
    tab.size ??= size;
    try {
      const info = await this.api.invoke('terminal:open', { lab: tab.lab, target: tab.target, ...size, ...(tab.ping ? { ping: tab.ping } : {}) });
      if (!this.tab(key)) {
        // Closed while opening.
        void this.api.invoke('terminal:close', { id: info.id }).catch(() => undefined);
        return;
      }
      tab.id = info.id;
      tab.status = 'open';
      // The view may have been fitted again while the session was opening: the shell gets the size it has now.
      this.sent.set(key, size);
      this.sendSize(tab);
      this.output.attach(info.id, {
        data: (data) => {
          sink.data(data);
          if (!tab.ready) {
            tab.ready = true;
            this.settle(key, true);
          }
        },
        exit: (code) => void this.ended(tab, code, sink),
      });
    } catch (e) {
      tab.status = 'failed';
      tab.error = errorMessage(e);
      this.settle(key, false);
    }
  }

  /**
   * A session ended. Killed (137: its host's container went away) while its
   * lab is going away means the lab was stopped — say that, not an exit code.
   * A lab being removed may still be listed for a moment: asked a few times.
   */
  private async ended(tab: TerminalTab, code: number | null, sink: OutputSink): Promise<void> {
    for (let i = 0; i < STOPPED_CHECKS && !tab.labStopped && (code === 137 || code === null); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, STOPPED_CHECK_MS));
      const labs = await this.api.invoke('labs:list', undefined).catch(() => null);
      if (labs && !labs.some((l) => l.name === tab.lab && l.status === 'running')) tab.labStopped = true;
    }
    tab.status = 'exited';
    tab.exitCode = code;
    sink.exit(code);
    this.settle(tab.key, false);
  }

  input(key: number, data: string): void {
    const tab = this.tab(key);
    if (tab?.id && tab.status === 'open') void this.api.invoke('terminal:input', { id: tab.id, data }).catch(() => undefined);
  }

  /** The view's size now (after every fit): sent at once if the session is open, else once it is. */
  resize(key: number, cols: number, rows: number): void {
    const tab = this.tab(key);
    if (!tab) return;
    tab.size = { cols, rows };
    this.sendSize(tab);
  }

  private sendSize(tab: TerminalTab): void {
    const size = tab.size;
    const sent = this.sent.get(tab.key);
    if (!tab.id || tab.status !== 'open' || !size || (sent && sent.cols === size.cols && sent.rows === size.rows)) return;
    this.sent.set(tab.key, size);
    void this.api.invoke('terminal:resize', { id: tab.id, cols: size.cols, rows: size.rows }).catch(() => undefined);
  }

  /** A lab was stopped: its terminals say so when their sessions end. */
  labStopped(lab: string): void {
    for (const t of this.tabs) if (t.lab === lab) t.labStopped = true;
  }

  /** The view rendered `chars` characters of this session's output. */
  ack(id: string, chars: number): void {
    this.acks.add(id, chars);
  }

  async record(key: number, on: boolean): Promise<void> {
    const tab = this.tab(key);
    if (!tab?.id) return;
    try {
      const rec = await this.api.invoke('terminal:record', { id: tab.id, on });
      tab.recording = on;
      tab.recordingStartedAt = on ? Date.now() : null;
      if (rec) tab.lastRecording = rec;
    } catch (e) {
      tab.error = errorMessage(e);
    }
  }

  close(key: number): void {
    const i = this.tabs.findIndex((t) => t.key === key);
    if (i < 0) return;
    const [tab] = this.tabs.splice(i, 1);
    if (tab?.id) {
      this.output.detach(tab.id);
      void this.api.invoke('terminal:close', { id: tab.id }).catch(() => undefined);
    }
    if (this.activeKey === key) this.activeKey = this.tabs[Math.min(i, this.tabs.length - 1)]?.key ?? null;
    if (this.pinnedKey === key) this.pinnedKey = null;
    this.sent.delete(key);
    this.settle(key, false);
  }

  dispose(): void {
    for (const f of this.off) f();
    this.acks.dispose();
  }
}
