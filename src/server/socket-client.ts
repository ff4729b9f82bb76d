// One browser tab's API socket: JSON invoke messages in, results and
// events out, served by its own client of the contract.
import type { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../shared/ws-protocol';
import type { ClientApi } from '../app-api/client-api';
import { dispatch } from '../app-api/dispatch';
import { EventQueue } from '../app-api/event-queue';

function parseMessage(raw: string): ClientMessage | null {
  try {
    const m = JSON.parse(raw) as Partial<ClientMessage>;
    if (m && m.t === 'invoke' && Number.isSafeInteger(m.id) && typeof m.channel === 'string') return m as ClientMessage;
  } catch {
    // not JSON: refused below
  }
  return null;
}

export function serveSocket(ws: WebSocket, makeClient: (events: EventQueue) => ClientApi): ClientApi {
  const send = (m: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const client = makeClient(new EventQueue((event, payload) => send({ t: 'event', event, payload } as ServerMessage)));
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
