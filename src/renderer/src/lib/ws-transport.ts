// Browser mode's side of the contract: the same PodnetApi shape as the
// Electron preload, carried over one WebSocket to `podnet serve`.
import { EventListeners } from '../../../shared/event-listeners';
import { isEventName, unwrapResult, type PodnetApi } from '../../../shared/ipc';
import { TOKEN_PARAM, WS_PATH, type ClientMessage, type ServerMessage } from '../../../shared/ws-protocol';

export interface SocketStatus {
  onclose?(reason: string): void;
}

/** The API socket's address for a page served by `podnet serve` at `location`, with its token. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

/** Why the socket could not be opened at all (the browser does not tell a refusal from a server that is gone). */
export const NOT_OPENED = 'cannot connect to podnet serve: it is not running, or this page does not have its token — open the address `podnet serve` printed (with ?token=…) again';

export function connectWebSocketApi(url: string, status: SocketStatus = {}): PodnetApi {
  const ws = new WebSocket(url);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners = new EventListeners();
  let nextId = 1;
  let closed: Error | null = null;
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('close', () => reject(closed ?? new Error(NOT_OPENED)), { once: true });
  });
  opened.catch(() => undefined);

  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data)) as ServerMessage;
    if (m.t === 'result') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      try {
        p.resolve(unwrapResult(m.result));
      } catch (err) {
        p.reject(err as Error);
      }
    } else if (m.t === 'event' && isEventName(m.event)) {
      listeners.emit(m.event, m.payload);
    }
  });
  let wasOpen = false;
  ws.addEventListener('open', () => (wasOpen = true), { once: true });
  ws.addEventListener('close', (e) => {
    closed = new Error(wasOpen ? `disconnected from podnet serve${e.reason ? ` (${e.reason})` : ''}; is it still running?` : NOT_OPENED);
    for (const p of pending.values()) p.reject(closed);
    pending.clear();
    status.onclose?.(closed.message);
  });

  return {
    async invoke(channel, request) {
      await opened;
      if (closed) throw closed;
      const id = nextId++;
      const message: ClientMessage = { t: 'invoke', id, channel, ...(request === undefined ? {} : { request }) };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify(message));
      });
    },
    on: (event, listener) => listeners.on(event, listener),
  };
}
