// The one sender of push events to a renderer: events are queued until the
// renderer says it is ready (`app:ready`), then delivered in order.
import type { EventMap, EventName } from '../shared/ipc';

export type Deliver = <E extends EventName>(event: E, payload: EventMap[E]) => void;

export class EventQueue {
  private queue: { event: EventName; payload: unknown }[] | null = [];
  private closed = false;

  constructor(private readonly deliver: Deliver) {}

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    if (this.closed) return;
    if (this.queue) this.queue.push({ event, payload });
    else this.deliver(event, payload);
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
