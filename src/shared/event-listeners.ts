// Push-event listeners by event name: what both transports (the Electron
// preload and the WebSocket client) keep on the page side.
import type { EventMap, EventName } from './ipc';

export class EventListeners {
  private readonly byEvent = new Map<EventName, Set<(payload: never) => void>>();

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    let set = this.byEvent.get(event);
    if (!set) this.byEvent.set(event, (set = new Set()));
    const l = listener as (payload: never) => void;
    set.add(l);
    return () => void set.delete(l);
  }

  emit(event: EventName, payload: unknown): void {
    for (const l of this.byEvent.get(event) ?? []) l(payload as never);
  }
}
