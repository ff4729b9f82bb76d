// Browser mode (`podnet serve`): the built renderer and the same API over a
// WebSocket, on 127.0.0.1 only. The page is public build output; the API
// socket needs the random token. No request can end the server: a target
// that is not a URL gets 400, and a failure while answering is logged.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { createClientApi, type ClientApi } from '../app-api/client-api';
import type { Engine } from '../engine/index';
import type { FlowLimits } from '../engine/terminals/flow-control';
import { TOKEN_PARAM, WS_PATH } from '../shared/ws-protocol';
import { hasToken, newToken } from './access-token';
import { requestUrl } from './request-url';
import { hostAllowed, originAllowed } from './request-origin';
import { SECURITY_HEADERS, sendStatic } from './static-files';
import { serveSocket } from './socket-client';

export interface ServeOptions {
  engine: Engine;
  resourcesDir: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  version?: string;
  token?: string;
  flow?: FlowLimits;
  /** Where internal errors go (the server keeps serving); default stderr. */
  log?(line: string): void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  /** Clients connected right now. */
  clients(): ClientApi[];
  close(): Promise<void>;
}

export const HOST = '127.0.0.1';

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(`${message}\n`);
}

function refuseUpgrade(socket: Socket, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${message.length + 1}\r\n\r\n${message}\n`);
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const clients = new Set<ClientApi>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  let port = 0;

  const origin = () => `http://${HOST}:${port}`;
  const log = opts.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const internal = (what: string, e: unknown) => log(`podnet serve: ${what} failed (still serving): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req, port)) return refuse(res, 421, 'podnet serve answers only to 127.0.0.1');
    const url = requestUrl(req, origin());
    if (!url) return refuse(res, 400, 'podnet serve: not a path of this server');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'only GET');
    // The page and its assets are the public build output: no token here, and never a cookie.
    void sendStatic(res, opts.rendererDir, url.pathname).catch((e: unknown) => {
      internal(`reading ${url.pathname}`, e);
      if (!res.headersSent) refuse(res, 500, 'cannot read the renderer');
      else res.destroy();
    });
  };

  const server = createServer((req, res) => {
    try {
      answer(req, res);
    } catch (e) {
      internal(`answering ${req.method} request`, e);
      if (!res.headersSent) refuse(res, 500, 'internal error');
      else res.destroy();
    }
  });

  const upgrade = (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (!hostAllowed(req, port) || !originAllowed(req, port)) return refuseUpgrade(socket, 403, 'Forbidden origin');
    const url = requestUrl(req, origin());
    if (!url) return refuseUpgrade(socket, 400, 'Bad Request');
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!hasToken(url, token)) return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client = serveSocket(ws, (events) =>
        createClientApi({
          engine: opts.engine,
          resourcesDir: opts.resourcesDir,
          events,
          info: { transport: 'browser', version: opts.version ?? 'dev' },
          ...(opts.flow ? { flow: opts.flow } : {}),
        }),
      );
      clients.add(client);
      ws.on('close', () => clients.delete(client));
    });
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (e) {
      internal('opening an API socket', e);
      socket.destroy();
    }
  });
  wss.on('error', (e) => internal('the API socket server', e));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    clients: () => [...clients],
    async close() {
      for (const ws of wss.clients) ws.terminate();
      for (const c of clients) c.dispose();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
