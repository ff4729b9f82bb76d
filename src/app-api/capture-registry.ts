// One client's packet captures, by the page's id: packets pushed in small
// batches (`capture:packets`), the end (`capture:end`), Stop, Save as .pcap
// (the desktop app's native dialog, or the bytes for a browser download),
// and everything stopped when the client goes away.
import type { CapturedPacket, CaptureSummary } from '../shared/capture';
import { ERROR_CODES } from '../shared/errors';
import type { CaptureStartRequest, SavedCapture } from '../shared/ipc';
import { PodnetError } from '../engine/errors';
import type { CaptureSession, Engine } from '../engine/index';
import type { EventQueue } from './event-queue';

/** Saves bytes where the user says (a native dialog); resolves with the path, or null when they cancelled. */
export type SaveBytes = (suggestedName: string, bytes: Buffer) => Promise<string | null>;

/** Captures one client may keep at once (each holds its packets for Save). */
export const MAX_CAPTURES = 16;
const BATCH_MS = 50;
const BATCH_MAX = 256;

interface Entry {
  request: CaptureStartRequest;
  session: CaptureSession | null;
  pending: CapturedPacket[];
  timer: ReturnType<typeof setTimeout> | null;
  /** The end came before the start was answered: told once the start is. */
  earlyEnd: CaptureSummary | null;
  discarded: boolean;
  startedAt: Date;
}

/** `flannel-vxlan-host1-eth0-20240501-120000.pcap` */
export function pcapFileName(r: Pick<CaptureStartRequest, 'lab' | 'target' | 'iface'>, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${r.lab}-${r.target.replaceAll('/', '-')}-${r.iface}-${stamp}.pcap`.replace(/[^A-Za-z0-9._-]/g, '_');
}

export class CaptureRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly engine: Pick<Engine, 'startCapture'>,
    private readonly events: EventQueue,
    private readonly saveBytes?: SaveBytes,
  ) {}

  async start(request: CaptureStartRequest): Promise<void> {
    if (this.entries.has(request.id)) throw new PodnetError(ERROR_CODES.USAGE, `capture ${request.id} already exists`);
    if (this.entries.size >= MAX_CAPTURES) {
      throw new PodnetError(ERROR_CODES.USAGE, `${MAX_CAPTURES} captures are open`, { hint: 'close one you no longer need' });
    }
    const entry: Entry = { request, session: null, pending: [], timer: null, earlyEnd: null, discarded: false, startedAt: new Date() };
    this.entries.set(request.id, entry);
    const { lab, target, iface, filter, count } = request;
    try {
      entry.session = await this.engine.startCapture(
        lab,
        { target, iface, ...(filter?.trim() ? { filter } : {}), ...(count ? { count } : {}) },
        {
          onPacket: (p) => this.queue(entry, p),
          onEnd: (summary) => {
            if (entry.session) this.end(entry, summary);
            else entry.earlyEnd = summary;
          },
        },
      );
    } catch (e) {
      this.entries.delete(request.id);
      throw e;
    }
    if (entry.discarded) void entry.session.stop().catch(() => undefined);
    else if (entry.earlyEnd) this.end(entry, entry.earlyEnd);
  }

  async stop(id: string): Promise<CaptureSummary> {
    const session = this.get(id).session;
    if (!session) throw new PodnetError(ERROR_CODES.USAGE, `capture ${id} is still starting`);
    return session.stop();
  }

  async save(id: string): Promise<SavedCapture> {
    const entry = this.get(id);
    if (!entry.session) throw new PodnetError(ERROR_CODES.USAGE, `capture ${id} is still starting`);
    const bytes = entry.session.pcap();
    const name = pcapFileName(entry.request, entry.startedAt);
    if (this.saveBytes) return { how: 'dialog', path: await this.saveBytes(name, bytes) };
    return { how: 'download', name, base64: bytes.toString('base64') };
  }

  discard(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    entry.discarded = true;
    if (entry.timer) clearTimeout(entry.timer);
    void entry.session?.stop().catch(() => undefined);
  }

  dispose(): void {
    for (const id of [...this.entries.keys()]) this.discard(id);
  }

  private get(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new PodnetError(ERROR_CODES.USAGE, `there is no capture ${id}`, { hint: 'it was closed, or the page was reloaded' });
    return entry;
  }

  private queue(entry: Entry, packet: CapturedPacket): void {
    if (entry.discarded) return;
    entry.pending.push(packet);
    if (entry.pending.length >= BATCH_MAX) this.flush(entry);
    else entry.timer ??= setTimeout(() => this.flush(entry), BATCH_MS);
  }

  private flush(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.discarded || entry.pending.length === 0) return;
    const packets = entry.pending;
    entry.pending = [];
    this.events.emit('capture:packets', { id: entry.request.id, packets });
  }

  private end(entry: Entry, summary: CaptureSummary): void {
    this.flush(entry);
    if (!entry.discarded) this.events.emit('capture:end', { id: entry.request.id, summary });
  }
}
