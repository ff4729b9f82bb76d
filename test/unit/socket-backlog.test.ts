// What waits to be sent to a browser tab is bounded: a real WebSocket
// whose page stops reading is closed (1013) once its backlog passes the
// bound, instead of buffering on the server without end; events for a page
// that never says it is ready are bounded too.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ClientApi } from '../../src/app-api/client-api';
import { EventQueue } from '../../src/app-api/event-queue';
import { serveSocket } from '../../src/server/socket-client';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A real socket pair: the server side, and a client whose reading can be paused. */
async function socketPair(): Promise<{ server: WebSocket; client: WebSocket }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const server = await accepted;
  await new Promise((r) => (client.readyState === client.OPEN ? r(null) : client.once('open', r)));
  cleanups.push(() => {
    client.terminate();
    wss.close();
  });
  return { server, client };
}

function fakeClient(events: EventQueue): ClientApi {
  return { handlers: {} as ClientApi['handlers'], events, launching: 0, cancelLaunches: () => undefined, dispose: () => events.close() };
}

describe('the API socket backlog', () => {
  it('closes the socket of a page that stops reading once 1 MiB waits, and sends nothing more', async () => {
    const { server, client } = await socketPair();
    const bound = 1024 * 1024;
    let queue!: EventQueue;
    serveSocket(server, (events) => ((queue = events), fakeClient(events)), bound);
    queue.ready();
    // The page stops reading (a frozen tab): the kernel buffers fill, then the server's backlog grows.
    (client as unknown as { _socket: { pause(): void } })._socket.pause();
    const line = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 2000 && server.readyState === server.OPEN; i++) {
      queue.emit('up:log', { opId: 'o', line });
      await new Promise((r) => setImmediate(r));
    }
    expect(server.readyState).toBe(server.CLOSING);
    expect(server.bufferedAmount).toBeLessThan(bound + 2 * line.length);
    const code = new Promise<number>((r) => client.once('close', (c) => r(c)));
    (client as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await code).toBe(1013);
  });
});

describe('events waiting for a page that is not ready', () => {
  it('are bounded: past the bound the queue closes and says so', () => {
    const delivered: string[] = [];
    let overflowed = 0;
    const queue = new EventQueue((event) => void delivered.push(event), { maxQueued: 3, onOverflow: () => overflowed++ });
    for (let i = 0; i < 10; i++) queue.emit('up:log', { opId: 'o', line: String(i) });
    queue.ready();
    expect(overflowed).toBe(1);
    expect(delivered).toEqual([]);
  });
});
