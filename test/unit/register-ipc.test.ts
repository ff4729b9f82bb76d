// The Electron binding of the contract, with Electron's two objects it
// touches (ipcMain, the window's webContents) stood in by small event
// emitters — no Electron binary is needed to check who may call what.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { IpcMain, WebContents } from 'electron';
import { createClientApi, type ClientApi } from '../../src/app-api/client-api';
import { createEngine } from '../../src/engine/index';
import { bindRendererApi } from '../../src/main/ipc/register-ipc';
import { ELECTRON_EVENT_CHANNEL, INVOKE_CHANNELS } from '../../src/shared/ipc';
import { RESOURCES_DIR } from '../helpers/lab-fixture';

const APP_URL = 'file:///opt/podnet/out/renderer/index.html';
type Handler = (event: unknown, request: unknown) => Promise<unknown>;

function stage() {
  const handlers = new Map<string, Handler>();
  const ipcMain = { handle: (c: string, h: Handler) => handlers.set(c, h), removeHandler: (c: string) => handlers.delete(c) } as unknown as IpcMain;
  const mainFrame = { url: APP_URL };
  const sent: unknown[] = [];
  const contents = Object.assign(new EventEmitter(), { mainFrame, isDestroyed: () => false, send: (channel: string, m: unknown) => channel === ELECTRON_EVENT_CHANNEL && sent.push(m) });
  const engine = createEngine({ resourcesDir: RESOURCES_DIR });
  const clients: ClientApi[] = [];
  const binding = bindRendererApi(
    ipcMain,
    contents as unknown as WebContents,
    (events) => {
      const c = createClientApi({ engine, resourcesDir: RESOURCES_DIR, events, info: { transport: 'electron', version: 't' } });
      clients.push(c);
      return c;
    },
    (url) => url === APP_URL,
  );
  const call = (channel: string, request: unknown, from: { sender?: unknown; senderFrame?: unknown } = {}) =>
    handlers.get(channel)!({ sender: from.sender ?? contents, senderFrame: from.senderFrame ?? mainFrame }, request);
  return { handlers, contents, mainFrame, sent, engine, clients, binding, call };
}

let current: ReturnType<typeof stage> | null = null;
afterEach(async () => {
  current?.binding.dispose();
  await current?.engine.dispose();
  current = null;
});

describe('the Electron IPC binding', () => {
  it('handles exactly the contract\u2019s channels', () => {
    const s = (current = stage());
    expect([...s.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('answers the app window\u2019s main frame, validated and enveloped', async () => {
    const s = (current = stage());
    expect(await s.call('app:ready', undefined)).toEqual({ ok: true, value: { transport: 'electron', version: 't' } });
    const builtin = (await s.call('labs:builtin', undefined)) as { ok: boolean; value: { name: string }[] };
    expect(builtin.value.map((l) => l.name)).toContain('flannel-vxlan');
    expect(await s.call('labs:down', { name: 'x; reboot' })).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
  });

  it('refuses other senders, sub-frames and pages that are not the app', async () => {
    const s = (current = stage());
    const refused = { ok: false, error: { code: 'E_USAGE', message: 'refused: the request did not come from the app window' } };
    expect(await s.call('labs:builtin', undefined, { sender: new EventEmitter() })).toEqual(refused);
    expect(await s.call('labs:builtin', undefined, { senderFrame: { url: APP_URL } })).toEqual(refused);
    s.mainFrame.url = 'https://evil.example/';
    expect(await s.call('labs:builtin', undefined)).toEqual(refused);
  });

  it('holds push events until the page is ready, and starts a fresh client when the page reloads', async () => {
    const s = (current = stage());
    s.binding.current().events.emit('menu:command', { command: 'ping' });
    expect(s.sent).toEqual([]);
    await s.call('app:ready', undefined);
    expect(s.sent).toEqual([{ event: 'menu:command', payload: { command: 'ping' } }]);
    const before = s.binding.current();
    s.contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: APP_URL });
    expect(s.binding.current()).not.toBe(before);
    // The old page's client is closed: its events go nowhere; the new one queues until ready.
    before.events.emit('menu:command', { command: 'fit-topology' });
    s.binding.current().events.emit('menu:command', { command: 'new-terminal' });
    expect(s.sent).toHaveLength(1);
    await s.call('app:ready', undefined);
    expect(s.sent.at(-1)).toEqual({ event: 'menu:command', payload: { command: 'new-terminal' } });
    // In-page navigation (same document) keeps the client.
    const kept = s.binding.current();
    s.contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true, url: `${APP_URL}#x` });
    expect(s.binding.current()).toBe(kept);
  });
});
