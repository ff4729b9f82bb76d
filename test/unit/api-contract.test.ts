import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, INVOKE_CHANNELS, envelopeError, unwrapResult, withApiErrors, type PodnetApi } from '../../src/shared/ipc';
import { dispatch, type Handlers } from '../../src/app-api/dispatch';
import { EventQueue } from '../../src/app-api/event-queue';
import { REQUEST_SCHEMAS } from '../../src/app-api/request-schemas';
import { PodnetError } from '../../src/engine/errors';

// Handlers that echo what they were given (the contract layer is under test, not the engine).
function echoHandlers(): Handlers {
  const h: Record<string, (r: unknown) => Promise<unknown>> = {};
  for (const c of INVOKE_CHANNELS) h[c] = async (r) => ({ channel: c, request: r });
  return h as unknown as Handlers;
}

describe('the IPC contract', () => {
  it('has a request schema for every invoke channel', () => {
    expect(Object.keys(REQUEST_SCHEMAS).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(EVENT_NAMES).toContain('terminal:data');
  });

  it('passes valid requests to the handler', async () => {
    const h = echoHandlers();
    expect(await dispatch(h, 'labs:builtin', undefined)).toEqual({ ok: true, value: { channel: 'labs:builtin', request: undefined } });
    expect(await dispatch(h, 'labs:up', { opId: 'op-1', source: { builtin: 'flannel-vxlan' } })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'labs:up', { opId: 'op-2', source: { text: 'name: x\n', file: 'x.yaml' } })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'terminal:open', { lab: 'lab1', target: 'host1/a', cols: 80, rows: 24, ping: '10.2.3.10' })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'exercises:get', { id: 'flannel-vxlan', lab: 'ui-ex6' })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'exercises:start', { opId: 'op-3', id: '6', reset: true })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'exercises:check', { id: '6', lab: 'ui-ex6', step: 4 })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'capture:start', { id: 'c-1', lab: 'lab1', target: 'host1/a', iface: 'flannel.1', filter: 'udp port 8472 and not (icmp)', count: 10 })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'capture:start', { id: 'c-2', lab: 'lab1', target: 'internet', iface: 'any' })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'path:trace', { lab: 'lab1', from: 'host1/a', to: '203.0.113.10' })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'path:trace', { lab: 'lab1', from: 'host1/a', to: 'host2/b' })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'path:trace', { lab: 'lab1', from: 'host1/a', to: 'host2', protocol: 'tcp', port: 8080 })).toMatchObject({ ok: true });
    expect(await dispatch(h, 'path:trace', { lab: 'lab1', from: 'host1/a', to: '10.96.0.10', port: 53, protocol: 'udp' })).toMatchObject({ ok: true });
  });

  it.each([
    ['unknown channel', 'fs:read', { path: '/etc/shadow' }],
    ['prototype key as channel', '__proto__', undefined],
    ['missing field', 'labs:down', {}],
    ['unknown key', 'labs:down', { name: 'lab1', force: true }],
    ['bad lab name', 'labs:down', { name: 'Lab; rm -rf /' }],
    ['path as a source', 'labs:up', { opId: 'x', source: { path: '/etc/passwd' } }],
    ['target with a third part', 'terminal:open', { lab: 'l', target: 'a/b/c', cols: 80, rows: 24 }],
    ['target with shell text', 'terminal:open', { lab: 'l', target: 'host1$(id)', cols: 80, rows: 24 }],
    ['ping to a name', 'terminal:open', { lab: 'l', target: 'host1', cols: 80, rows: 24, ping: 'example.com' }],
    ['huge terminal', 'terminal:resize', { id: 't0123456789abcdef', cols: 100000, rows: 24 }],
    ['fractional size', 'terminal:resize', { id: 't0123456789abcdef', cols: 80.5, rows: 24 }],
    ['forged terminal id', 'terminal:input', { id: '../../x', data: 'ls\n' }],
    ['negative ack', 'terminal:ack', { id: 't0123456789abcdef', chars: -5 }],
    ['argument to a void channel', 'labs:list', { all: true }],
    ['exercise as a path', 'exercises:get', { id: '../../etc/passwd' }],
    ['exercise step 0', 'exercises:check', { id: '6', step: 0 }],
    ['bad lab name for an exercise', 'exercises:start', { opId: 'op-1', id: '6', lab: 'UI EX6' }],
    ['capture interface taken for an option', 'capture:start', { id: 'c-1', lab: 'l', target: 'host1', iface: '-w' }],
    ['capture interface with shell text', 'capture:start', { id: 'c-1', lab: 'l', target: 'host1', iface: 'eth0;id' }],
    ['capture filter of two lines', 'capture:start', { id: 'c-1', lab: 'l', target: 'host1', iface: 'eth0', filter: 'icmp\n-w /tmp/x' }],
    ['capture of no packets', 'capture:start', { id: 'c-1', lab: 'l', target: 'host1', iface: 'eth0', count: 0 }],
    ['forged capture id', 'capture:save', { id: '../x' }],
    ['path to a name', 'path:trace', { lab: 'l', from: 'host1/a', to: 'example.com' }],
    ['path to a port in the target', 'path:trace', { lab: 'l', from: 'host1/a', to: 'host2:8080' }],
    ['tcp path without a port', 'path:trace', { lab: 'l', from: 'host1/a', to: 'host2', protocol: 'tcp' }],
    ['ping with a port', 'path:trace', { lab: 'l', from: 'host1/a', to: 'host2', protocol: 'icmp', port: 80 }],
    ['path port out of range', 'path:trace', { lab: 'l', from: 'host1/a', to: 'host2', protocol: 'udp', port: 70000 }],
    ['unknown path protocol', 'path:trace', { lab: 'l', from: 'host1/a', to: 'host2', protocol: 'sctp', port: 80 }],
  ])('refuses %s with E_USAGE before any handler runs', async (_what, channel, request) => {
    let called = false;
    const h = new Proxy(echoHandlers(), { get: (t, k) => ((called = true), Reflect.get(t, k)) });
    const r = await dispatch(h, channel, request);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('E_USAGE');
    expect(called).toBe(false);
  });

  it('wraps engine errors in the envelope and turns them back into Errors with code, hint and diagnostics', async () => {
    const h = echoHandlers();
    h['labs:down'] = async () => {
      throw new PodnetError('E_LAB_NOT_FOUND', 'no lab named "x" is running', { hint: 'see podnet ls' });
    };
    const r = await dispatch(h, 'labs:down', { name: 'x' });
    expect(r).toEqual({ ok: false, error: { code: 'E_LAB_NOT_FOUND', message: 'no lab named "x" is running', hint: 'see podnet ls' } });
    const err = (() => {
      try {
        unwrapResult(r);
      } catch (e) {
        return e as ReturnType<typeof envelopeError>;
      }
    })()!;
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('E_LAB_NOT_FOUND');
    expect(err.hint).toBe('see podnet ls');
  });
});

describe('withApiErrors (the Electron page side)', () => {
  it('turns the plain error objects the preload rejects with back into Errors with code, hint and diagnostics', async () => {
    const diagnostics = [{ file: 'x.yaml', line: 2, column: 3, field: 'hosts', message: 'expected a list' }];
    const raw: PodnetApi = {
      invoke: () => Promise.reject({ code: 'E_SPEC', message: 'invalid lab file', diagnostics }),
      on: () => () => undefined,
    };
    const err = await withApiErrors(raw).invoke('labs:list', undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ message: 'invalid lab file', code: 'E_SPEC', diagnostics });
    const plain = new TypeError('boom');
    const passed = await withApiErrors({ ...raw, invoke: () => Promise.reject(plain) }).invoke('labs:list', undefined).catch((e: unknown) => e);
    expect(passed).toBe(plain);
  });
});

describe('EventQueue', () => {
  it('holds events until the renderer is ready, then delivers in order; nothing after close', () => {
    const got: string[] = [];
    const q = new EventQueue((event, payload) => got.push(`${event}:${JSON.stringify(payload)}`));
    q.emit('terminal:data', { id: 'a', data: '1' });
    q.emit('menu:command', { command: 'ping' });
    expect(got).toEqual([]);
    q.ready();
    q.emit('terminal:data', { id: 'a', data: '2' });
    expect(got).toEqual(['terminal:data:{"id":"a","data":"1"}', 'menu:command:{"command":"ping"}', 'terminal:data:{"id":"a","data":"2"}']);
    q.close();
    q.emit('terminal:data', { id: 'a', data: '3' });
    expect(got).toHaveLength(3);
  });
});
