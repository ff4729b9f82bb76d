// One capture as the page shows it: its request, its state, the packets
// received so far (the latest MAX_SHOWN of them), how it ended, where it was saved.
import type { CapturedPacket, CaptureRequest, CaptureSummary } from '../../../shared/capture';
import type { ErrorInfo } from '../lib/error-info';

/** Packets kept in the page per capture (the .pcap keeps them all). */
export const MAX_SHOWN = 2000;

export class Capture {
  status = $state<'starting' | 'running' | 'ended' | 'failed'>('starting');
  packets = $state.raw<CapturedPacket[]>([]);
  /** Packets received in all (the list shows the latest MAX_SHOWN). */
  total = $state(0);
  /** Time of the first packet: the list's zero. */
  t0 = $state<number | null>(null);
  summary = $state.raw<CaptureSummary | null>(null);
  error = $state<ErrorInfo | null>(null);
  /** Where the last Save went (file name or path). */
  saved = $state<string | null>(null);
  /** The packet whose headers the detail pane shows (its index), if any. */
  selected = $state<number | null>(null);
  readonly selectedPacket: CapturedPacket | null = $derived(this.packets.find((p) => p.index === this.selected) ?? null);

  constructor(
    readonly id: string,
    readonly lab: string,
    readonly request: CaptureRequest,
  ) {}

  get title(): string {
    return `${this.request.target} ${this.request.iface}${this.request.filter ? ` (${this.request.filter})` : ''}`;
  }

  add(batch: readonly CapturedPacket[]): void {
    if (batch.length === 0) return;
    this.t0 ??= batch[0]!.time;
    this.total += batch.length;
    const next = this.packets.concat(batch);
    this.packets = next.length > MAX_SHOWN ? next.slice(next.length - MAX_SHOWN) : next;
  }

  end(summary: CaptureSummary): void {
    this.summary = summary;
    if (this.status !== 'failed') this.status = 'ended';
  }
}
