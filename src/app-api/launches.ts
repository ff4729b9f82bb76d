// The labs one client is building right now, by the page's operation id:
// a lab launch or an exercise's start, each cancellable with `labs:cancel`.
import { ERROR_CODES } from '../shared/errors';
import { PodnetError } from '../engine/errors';
import type { UpOptions } from '../engine/index';
import type { EventQueue } from './event-queue';

export class Launches {
  private readonly running = new Map<string, AbortController>();

  get size(): number {
    return this.running.size;
  }

  async run<T>(opId: string, build: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.running.has(opId)) throw new PodnetError(ERROR_CODES.USAGE, `operation ${opId} is already running`);
    const controller = new AbortController();
    this.running.set(opId, controller);
    try {
      return await build(controller.signal);
    } finally {
      this.running.delete(opId);
    }
  }

  cancel(opId: string): void {
    this.running.get(opId)?.abort();
  }

  cancelAll(): void {
    for (const c of this.running.values()) c.abort();
  }
}

/** A launch's progress, pushed to the page under its operation id. */
export function launchProgress(events: EventQueue, opId: string): Pick<UpOptions, 'onProgress' | 'onLog'> {
  return {
    onProgress: (progress) => events.emit('up:progress', { opId, progress }),
    onLog: (line) => events.emit('up:log', { opId, line }),
  };
}
