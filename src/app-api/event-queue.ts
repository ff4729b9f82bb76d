// The one sender of push events to a renderer: events are queued until the
// renderer says it is ready (`app:ready`), then delivered in order. A
// renderer that never gets ready does not make the queue grow without end.
import type { EventMap, EventName } from '../shared/ipc';

export type Deliver = <E extends EventName>(event: E, payload: EventMap[E]) => void;

/** Events kept for a renderer that has not said it is ready. */
export const MAX_QUEUED_EVENTS = 10_000;

export interface EventQueueOptions {
  maxQueued?: number;
  /** More events waited than `maxQueued`: the queue is closed (nothing more is delivered), then this is called. */
  onOverflow?(): void;
}

export class EventQueue {
  private queue: { event: EventName; payload: unknown }[] | null = [];
  private closed = false;

  constructor(
    private readonly deliver: Deliver,
    private readonly opts: EventQueueOptions = {},
  ) {}

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    if (this.closed) return;
    if (!this.queue) return this.deliver(event, payload);
    if (this.queue.length >= (this.opts.maxQueued ?? MAX_QUEUED_EVENTS)) {
      this.close();
      this.opts.onOverflow?.();
      return;
    }
    this.queue.push({ event, payload });
  }

  /** The renderer listens now: flush what waited, deliver directly from here on. */
  ready(): void {
    if (this.closed || !this.queue) return;
    const waiting = this.queue;
    this.queue = null;
    for (const { event, payload } of waiting) this.deliver(event, payload as EventMap[EventName]);
  }

  /** Nothing is delivered any more (the window or socket is gone). */
  close(): void {
    this.closed = true;
    this.queue = null;
  }
}
