// The packet's path the user asked for: one ping traced through every
// namespace of the lab (`path:trace`), and which leg is shown.
import type { PodnetApi } from '../../../shared/ipc';
import type { PacketPath, PathLeg, PathProtocol } from '../../../shared/path';
import { errorInfo, type ErrorInfo } from '../lib/error-info';

export class PathStore {
  status = $state<'idle' | 'tracing' | 'done' | 'failed'>('idle');
  path = $state.raw<PacketPath | null>(null);
  error = $state<ErrorInfo | null>(null);
  leg = $state<'request' | 'reply'>('request');
  tracedAt = $state<Date | null>(null);
  /** The trace running now: what it traces and since when (the panel shows its progress). */
  tracing = $state<{ from: string; to: string; protocol: PathProtocol; port: number | null; since: number } | null>(null);
  readonly shown: PathLeg | null = $derived(this.path ? this.path[this.leg] : null);
  private seq = 0;

  constructor(private readonly api: PodnetApi) {}

  /** One ping, or with a protocol and port one TCP connection attempt / UDP datagram. */
  async trace(lab: string, from: string, to: string, probe: { protocol: PathProtocol; port: number | null } = { protocol: 'icmp', port: null }): Promise<void> {
    const mine = ++this.seq;
    this.status = 'tracing';
    this.error = null;
    // The old result is of another ping: it goes, the new one comes.
    this.path = null;
    this.tracedAt = null;
    this.tracing = { from, to, ...probe, since: Date.now() };
    try {
      const path = await this.api.invoke('path:trace', { lab, from, to, ...(probe.protocol !== 'icmp' ? { protocol: probe.protocol, port: probe.port ?? 0 } : {}) });
      if (mine !== this.seq) return;
      this.path = path;
      this.tracedAt = new Date();
      // The leg that broke; the request when both arrived (or the request broke).
      this.leg = path.request.reached && !path.reply.reached ? 'reply' : 'request';
      this.status = 'done';
      this.tracing = null;
    } catch (e) {
      if (mine !== this.seq) return;
      this.status = 'failed';
      this.error = errorInfo(e);
      this.tracing = null;
    }
  }

  /** Forgets the path (e.g. its lab is no longer shown). */
  clear(): void {
    this.seq++;
    this.status = 'idle';
    this.path = null;
    this.tracedAt = null;
    this.error = null;
    this.tracing = null;
  }
}
