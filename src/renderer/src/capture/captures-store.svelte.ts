// The page's packet captures: started on a host or pod interface, packets
// streamed in by id (`capture:packets`), Stop, Save as .pcap (a download in
// a browser, the native dialog in the desktop app), Close.
import type { CaptureRequest } from '../../../shared/capture';
import type { PodnetApi } from '../../../shared/ipc';
import { errorInfo } from '../lib/error-info';
import { saveBase64File } from '../lib/save-file';
import { Capture } from './capture.svelte';

export const PCAP_TYPE = 'application/vnd.tcpdump.pcap';

export class CapturesStore {
  captures = $state.raw<Capture[]>([]);
  selectedId = $state<string | null>(null);
  readonly selected: Capture | null = $derived(this.captures.find((c) => c.id === this.selectedId) ?? null);
  private readonly off: (() => void)[] = [];
  private seq = 0;

  constructor(private readonly api: PodnetApi) {
    this.off.push(
      api.on('capture:packets', ({ id, packets }) => this.byId(id)?.add(packets)),
      api.on('capture:end', ({ id, summary }) => this.byId(id)?.end(summary)),
    );
  }

  byId(id: string): Capture | undefined {
    return this.captures.find((c) => c.id === id);
  }

  /** Starts a capture (shown at once; packets may arrive before the start is answered). */
  async start(lab: string, request: CaptureRequest): Promise<Capture> {
    const id = `c-${Date.now().toString(36)}-${++this.seq}`;
    const capture = new Capture(id, lab, request);
    this.captures = [...this.captures, capture];
    this.selectedId = id;
    try {
      await this.api.invoke('capture:start', { id, lab, ...request });
      if (capture.status === 'starting') capture.status = 'running';
    } catch (e) {
      capture.status = 'failed';
      capture.error = errorInfo(e);
    }
    return capture;
  }

  async stop(id: string): Promise<void> {
    const c = this.byId(id);
    if (c?.status !== 'running') return;
    try {
      c.end(await this.api.invoke('capture:stop', { id }));
    } catch (e) {
      c.error = errorInfo(e);
    }
  }

  async save(id: string): Promise<void> {
    const c = this.byId(id);
    if (!c || c.status === 'failed' || c.status === 'starting') return;
    try {
      const saved = await this.api.invoke('capture:save', { id });
      if (saved.how === 'download') {
        saveBase64File(saved.name, saved.base64, PCAP_TYPE);
        c.saved = saved.name;
      } else if (saved.path) {
        c.saved = saved.path;
      }
    } catch (e) {
      c.error = errorInfo(e);
    }
  }

  /** Closes a capture (stopping it on the host if it still runs). */
  close(id: string): void {
    const i = this.captures.findIndex((c) => c.id === id);
    if (i < 0) return;
    const c = this.captures[i]!;
    this.captures = this.captures.filter((x) => x.id !== id);
    if (c.status !== 'failed') void this.api.invoke('capture:discard', { id }).catch(() => undefined);
    if (this.selectedId === id) this.selectedId = this.captures[Math.min(i, this.captures.length - 1)]?.id ?? null;
  }

  dispose(): void {
    for (const f of this.off) f();
  }
}
