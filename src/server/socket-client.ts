// One browser tab's API socket: JSON invoke messages in, results and
// events out, served by its own client of the contract. What waits to be
// sent is bounded: a tab that stops reading (a stalled or frozen page) is
// disconnected rather than buffered for without end; terminals are
// flow-controlled and stay far below the bound.
import type { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../shared/ws-protocol';
import type { ClientApi } from '../app-api/client-api';
import { dispatch } from '../app-api/dispatch';
import { EventQueue } from '../app-api/event-queue';

/** Bytes a socket may have waiting to be sent before its page counts as gone. */
export const MAX_SOCKET_BACKLOG = 64 * 1024 * 1024;
/** WebSocket close code 1013, "try again later": the page reconnects when it is ready. */
const TOO_SLOW = 1013;

function parseMessage(raw: string): ClientMessage | null {
  try {
    const m = JSON.parse(raw) as Partial<ClientMessage>;
    if (m && m.t === 'invoke' && Number.isSafeInteger(m.id) && typeof m.channel === 'string') return m as ClientMessage;
  } catch {
    // not JSON: refused below
  }
  return null;
}

export function serveSocket(ws: WebSocket, makeClient: (events: EventQueue) => ClientApi, maxBacklog = MAX_SOCKET_BACKLOG): ClientApi {
  const tooSlow = () => {
    if (ws.readyState !== ws.OPEN) return;
    ws.close(TOO_SLOW, 'the page did not keep up with what the server sent');
    // A page that reads nothing will not answer the close either.
    setTimeout(() => ws.terminate(), 5000).unref();
  };
  const send = (m: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > maxBacklog) return tooSlow();
    ws.send(JSON.stringify(m));
  };
  const client = makeClient(new EventQueue((event, payload) => send({ t: 'event', event, payload } as ServerMessage), { onOverflow: tooSlow }));
  ws.on('message', (data, isBinary) => {
    const message = isBinary ? null : parseMessage(data.toString());
    if (!message) {
      ws.close(1003, 'expected an invoke message');
      return;
    }
    void dispatch(client.handlers, message.channel, message.request).then((result) => send({ t: 'result', id: message.id, result }));
  });
  ws.on('close', () => client.dispose());
  ws.on('error', () => client.dispose());
  return client;
}
