// The packet's path the user asked for: one ping traced through every
// namespace of the lab (`path:trace`), and which leg is shown.
import type { PodnetApi } from '../../../shared/ipc';
import type { PacketPath, PathLeg } from '../../../shared/path';
import { errorInfo, type ErrorInfo } from '../lib/error-info';

export class PathStore {
  status = $state<'idle' | 'tracing' | 'done' | 'failed'>('idle');
  path = $state.raw<PacketPath | null>(null);
  error = $state<ErrorInfo | null>(null);
  leg = $state<'request' | 'reply'>('request');
  tracedAt = $state<Date | null>(null);
  readonly shown: PathLeg | null = $derived(this.path ? this.path[this.leg] : null);
  private seq = 0;

  constructor(private readonly api: PodnetApi) {}

  async trace(lab: string, from: string, to: string): Promise<void> {
    const mine = ++this.seq;
    this.status = 'tracing';
    this.error = null;
    try {
      const path = await this.api.invoke('path:trace', { lab, from, to });
      if (mine !== this.seq) return;
      this.path = path;
      this.tracedAt = new Date();
      // The leg that broke; the request when both arrived (or the request broke).
      this.leg = path.request.reached && !path.reply.reached ? 'reply' : 'request';
      this.status = 'done';
    } catch (e) {
      if (mine !== this.seq) return;
      this.status = 'failed';
      this.error = errorInfo(e);
    }
  }

  /** Forgets the path (e.g. its lab is no longer shown). */
  clear(): void {
    this.seq++;
    this.status = 'idle';
    this.path = null;
    this.tracedAt = null;
    this.error = null;
  }
}
