// Browser mode (`podnet serve`): the built renderer and the same API over a
// WebSocket, on 127.0.0.1 only, behind a random token.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { createClientApi, type ClientApi } from '../app-api/client-api';
import type { Engine } from '../engine/index';
import type { FlowLimits } from '../engine/terminals/flow-control';
import { TOKEN_PARAM, WS_PATH } from '../shared/ws-protocol';
import { newToken, presentedToken, tokenCookie } from './access-token';
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

  const requestUrl = (req: IncomingMessage) => new URL(req.url ?? '/', `http://${HOST}:${port}`);

  const server = createServer((req, res) => {
    if (!hostAllowed(req, port)) return refuse(res, 421, 'podnet serve answers only to 127.0.0.1');
    const url = requestUrl(req);
    const shown = presentedToken(req, url, token);
    if (!shown) return refuse(res, 403, 'podnet serve: this address needs the token printed by `podnet serve`');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'only GET');
    // The page opened with ?token= gets a cookie, so its scripts and styles load too.
    void sendStatic(res, opts.rendererDir, url.pathname, shown === 'query' ? { 'Set-Cookie': tokenCookie(token) } : {}).catch(() => refuse(res, 500, 'cannot read the renderer'));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = requestUrl(req);
    if (!hostAllowed(req, port) || !originAllowed(req, port)) return refuseUpgrade(socket, 403, 'Forbidden origin');
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!presentedToken(req, url, token)) return refuseUpgrade(socket, 403, 'Forbidden');
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
  });

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
