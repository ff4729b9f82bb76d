// Browser mode's door: a real server on 127.0.0.1, real HTTP and WebSocket
// clients. The page is public; an API socket without the token (or from
// another origin) is refused; no request can end the server.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngine, type Engine } from '../../src/engine/index';
import { startServer, type RunningServer } from '../../src/server/index';
import { RESOURCES_DIR } from '../helpers/lab-fixture';

let server: RunningServer;
let engine: Engine;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'podnet-serve-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Podnet Lab</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, '..', 'podnet-secret.txt'), 'secret');
  engine = createEngine({ resourcesDir: RESOURCES_DIR });
  server = await startServer({ engine, resourcesDir: RESOURCES_DIR, rendererDir: root, port: 0 });
});

afterAll(async () => {
  await server.close();
  await engine.dispose();
  rmSync(root, { recursive: true, force: true });
  rmSync(join(root, '..', 'podnet-secret.txt'), { force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function socket(query: string, headers: Record<string, string> = { Origin: `http://127.0.0.1:${server.port}` }, path = '/api'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, channel: string, request?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString());
      if (m.t === 'result' && m.id === id) {
        ws.off('message', on);
        resolve(m.result);
      }
    };
    ws.on('message', on);
    ws.send(JSON.stringify({ t: 'invoke', id, channel, request }));
  });
}

describe('podnet serve', () => {
  it('listens on 127.0.0.1 only and prints a URL with a long random token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('serves the page and its assets (public build output) without the token, and never sets a cookie', async () => {
    for (const path of ['/', '/index.html', `/?token=${server.token}`, '/?token=wrong', '/assets/app.js']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      // Cookies are not scoped by port: every other service on 127.0.0.1 would receive the token.
      expect(r.headers['set-cookie'], path).toBeUndefined();
    }
    const page = await get(`/?token=${server.token}`);
    expect(page.body).toContain('<title>Podnet Lab</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/%2e%2e/podnet-secret.txt')).status).toBe(404);
    expect((await get('/', { Cookie: `podnet_token=${server.token}` })).headers['set-cookie']).toBeUndefined();
  });

  it('answers a request target that is not a URL with 400, and keeps serving (it used to end the server)', async () => {
    for (const path of ['//[', '//[::1', '//evil.example/', 'http://127.0.0.1/']) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
    }
    await expect(socket('', { Origin: `http://127.0.0.1:${server.port}` }, '//[')).rejects.toThrow('HTTP 400');
    expect((await get('/')).status).toBe(200);
    const ws = await socket(`?token=${server.token}`);
    expect(await call(ws, 1, 'app:ready')).toMatchObject({ ok: true });
    ws.close();
  });

  it('refuses another Host name (DNS rebinding)', async () => {
    expect((await get(`/?token=${server.token}`, { Host: `evil.example:${server.port}` })).status).toBe(421);
  });

  it('refuses API sockets without the token or from another origin', async () => {
    await expect(socket('')).rejects.toThrow('HTTP 403');
    await expect(socket('?token=wrong')).rejects.toThrow('HTTP 403');
    await expect(socket(`?token=${server.token}`, { Origin: 'http://127.0.0.1:1' })).rejects.toThrow('HTTP 403');
    await expect(socket(`?token=${server.token}`, { Origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(socket(`?token=${server.token}`, {})).rejects.toThrow('HTTP 403');
  });

  it('answers the same contract over the socket, validating every argument', async () => {
    const ws = await socket(`?token=${server.token}`);
    expect(await call(ws, 1, 'app:ready')).toEqual({ ok: true, value: { transport: 'browser', version: 'dev' } });
    const builtin = await call(ws, 2, 'labs:builtin');
    expect(builtin.ok).toBe(true);
    expect((builtin.value as { name: string }[]).map((l) => l.name)).toContain('flannel-vxlan');
    expect(await call(ws, 3, 'labs:down', { name: '../../etc' })).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
    expect(await call(ws, 4, 'no:such')).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
    expect(server.clients()).toHaveLength(1);
    ws.close();
    await new Promise((r) => ws.once('close', r));
    await new Promise((r) => setTimeout(r, 50));
    expect(server.clients()).toHaveLength(0);
  });

  it('closes a socket that sends something other than an invoke message', async () => {
    const ws = await socket(`?token=${server.token}`);
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('not json');
    expect(await closed).toBe(1003);
  });
});
