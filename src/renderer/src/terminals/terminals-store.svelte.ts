// The terminal tabs: opening a session when its view has measured itself,
// input, resize, flow-control acks, recording, and closing (which ends the
// session on the host).
import type { PodnetApi, TerminalRecording } from '../../../shared/ipc';
import { errorMessage } from '../lib/error-info';
import { AckBatcher } from './ack-batcher';
import { SessionOutput, type OutputSink } from './session-output';

export interface TerminalTab {
  key: number;
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
}

export class TerminalsStore {
  tabs = $state<TerminalTab[]>([]);
  activeKey = $state<number | null>(null);
  readonly active: TerminalTab | null = $derived(this.tabs.find((t) => t.key === this.activeKey) ?? null);
  private readonly output = new SessionOutput();
  private readonly acks: AckBatcher;
  private readonly off: (() => void)[] = [];
  private nextKey = 1;

  constructor(private readonly api: PodnetApi) {
    this.acks = new AckBatcher((id, chars) => void api.invoke('terminal:ack', { id, chars }).catch(() => undefined));
    this.off.push(
      api.on('terminal:data', ({ id, data }) => this.output.deliver(id, data)),
      api.on('terminal:exit', ({ id, code }) => this.output.exit(id, code)),
    );
  }

  /** A new tab; its view connects it once it knows its size. */
  open(lab: string, target: string, opts: { ping?: string; title?: string } = {}): number {
    const key = this.nextKey++;
    this.tabs.push({
      key,
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
    });
    this.activeKey = key;
    return key;
  }

  tab(key: number): TerminalTab | undefined {
    return this.tabs.find((t) => t.key === key);
  }

  async connect(key: number, size: { cols: number; rows: number }, sink: OutputSink): Promise<void> {
    const tab = this.tab(key);
    if (!tab || tab.id) return;
    try {
      const info = await this.api.invoke('terminal:open', { lab: tab.lab, target: tab.target, ...size, ...(tab.ping ? { ping: tab.ping } : {}) });
      if (!this.tab(key)) {
        // Closed while opening.
        void this.api.invoke('terminal:close', { id: info.id }).catch(() => undefined);
        return;
      }
      tab.id = info.id;
      tab.status = 'open';
      this.output.attach(info.id, {
        data: (data) => sink.data(data),
        exit: (code) => {
          tab.status = 'exited';
          tab.exitCode = code;
          sink.exit(code);
        },
      });
    } catch (e) {
      tab.status = 'failed';
      tab.error = errorMessage(e);
    }
  }

  input(key: number, data: string): void {
    const tab = this.tab(key);
    if (tab?.id && tab.status === 'open') void this.api.invoke('terminal:input', { id: tab.id, data }).catch(() => undefined);
  }

  resize(key: number, cols: number, rows: number): void {
    const tab = this.tab(key);
    if (tab?.id && tab.status === 'open') void this.api.invoke('terminal:resize', { id: tab.id, cols, rows }).catch(() => undefined);
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
  }

  dispose(): void {
    for (const f of this.off) f();
    this.acks.dispose();
  }
}
