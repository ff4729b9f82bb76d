import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TerminalInfo } from '../../src/shared/ipc';
import { AckBatcher } from '../../src/renderer/src/terminals/ack-batcher';
import { endedText, TerminalsStore } from '../../src/renderer/src/terminals/terminals-store.svelte';
import { ContractDouble } from './contract-double';

afterEach(() => vi.useRealTimers());

function sink() {
  const got: string[] = [];
  const exits: (number | null)[] = [];
  return { got, exits, sink: { data: (d: string) => got.push(d), exit: (c: number | null) => exits.push(c) } };
}

describe('AckBatcher', () => {
  it('sends one ack per session per batch, summing what was rendered', () => {
    vi.useFakeTimers();
    const sent: [string, number][] = [];
    const b = new AckBatcher((id, n) => sent.push([id, n]), 8);
    b.add('t1', 100);
    b.add('t1', 50);
    b.add('t2', 7);
    b.add('t2', 0);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(8);
    expect(sent).toEqual([
      ['t1', 150],
      ['t2', 7],
    ]);
    b.add('t1', 1);
    vi.advanceTimersByTime(8);
    expect(sent.at(-1)).toEqual(['t1', 1]);
  });
});

describe('TerminalsStore', () => {
  function setup() {
    const api = new ContractDouble();
    let n = 0;
    api.handle('terminal:open', ({ lab, target, ping }) => ({ id: `t${String(++n).padStart(16, '0')}`, lab, target, title: ping ? `ping ${ping}` : target }));
    return { api, store: new TerminalsStore(api) };
  }

  it('opens a session at the view\u2019s size, and routes output that arrived before the answer', async () => {
    const { api, store } = setup();
    const key = store.open('lab1', 'host1/a');
    expect(store.active?.status).toBe('opening');
    const s = sink();
    // Output and even the exit may overtake the answer to terminal:open.
    const opening = store.connect(key, { cols: 120, rows: 30 }, s.sink);
    api.emit('terminal:data', { id: 't0000000000000001', data: 'hello ' });
    await opening;
    expect(api.callsTo('terminal:open')).toEqual([{ lab: 'lab1', target: 'host1/a', cols: 120, rows: 30 }]);
    expect(store.tab(key)?.status).toBe('open');
    api.emit('terminal:data', { id: 't0000000000000001', data: 'world' });
    expect(s.got.join('')).toBe('hello world');
    api.emit('terminal:exit', { id: 't0000000000000001', code: 0 });
    expect(s.exits).toEqual([0]);
    expect(store.tab(key)?.status).toBe('exited');
  });

  it('sends input and resizes only for an open session, acks in batches, and closing a tab ends its session', async () => {
    const { api, store } = setup();
    const key = store.open('lab1', 'host2');
    store.input(key, 'lost'); // not open yet
    await store.connect(key, { cols: 80, rows: 24 }, sink().sink);
    store.input(key, 'ls\r');
    store.resize(key, 100, 40);
    store.ack('t0000000000000001', 5000);
    store.ack('t0000000000000001', 3000);
    await new Promise((r) => setTimeout(r, 20));
    expect(api.callsTo('terminal:input')).toEqual([{ id: 't0000000000000001', data: 'ls\r' }]);
    expect(api.callsTo('terminal:resize')).toEqual([{ id: 't0000000000000001', cols: 100, rows: 40 }]);
    expect(api.callsTo('terminal:ack')).toEqual([{ id: 't0000000000000001', chars: 8000 }]);
    store.close(key);
    expect(api.callsTo('terminal:close')).toEqual([{ id: 't0000000000000001' }]);
    expect(store.tabs).toEqual([]);
    expect(store.activeKey).toBeNull();
  });

  it('opens a ping terminal, keeps several tabs, and moves to a neighbour when the active one closes', async () => {
    const { api, store } = setup();
    const a = store.open('lab1', 'host1');
    const b = store.open('lab1', 'host1/a', { ping: '10.2.3.10', title: 'ping host2/b from host1/a' });
    const c = store.open('lab1', 'host2');
    await store.connect(b, { cols: 80, rows: 24 }, sink().sink);
    expect(api.callsTo('terminal:open')).toEqual([{ lab: 'lab1', target: 'host1/a', cols: 80, rows: 24, ping: '10.2.3.10' }]);
    expect(store.tab(b)?.title).toBe('ping host2/b from host1/a');
    store.activeKey = b;
    store.close(b);
    expect(store.activeKey).toBe(c);
    store.close(c);
    expect(store.activeKey).toBe(a);
  });

  it('records: start, then stop keeps the recording for saving', async () => {
    const { api, store } = setup();
    api.handle('terminal:record', ({ on }) => (on ? null : { cast: '{"version":2}\n', text: 'x\n', durationMs: 5 }));
    const key = store.open('lab1', 'host1');
    await store.connect(key, { cols: 80, rows: 24 }, sink().sink);
    await store.record(key, true);
    expect(store.tab(key)?.recording).toBe(true);
    await store.record(key, false);
    expect(store.tab(key)).toMatchObject({ recording: false, lastRecording: { cast: '{"version":2}\n', text: 'x\n' } });
  });

  it('shows why a terminal could not open', async () => {
    const { api, store } = setup();
    api.handle('terminal:open', () => {
      throw new Error('host1 has no pod "z"');
    });
    const key = store.open('lab1', 'host1/z');
    await store.connect(key, { cols: 80, rows: 24 }, sink().sink);
    expect(store.tab(key)).toMatchObject({ status: 'failed', error: 'host1 has no pod "z"' });
  });

  it('Run in terminal: opens a shell on the target, waits for its prompt, then types the command and Enter', async () => {
    const { api, store } = setup();
    const running = store.run('lab1', 'host1/a', 'ping -c 2 10.2.3.10');
    const key = store.activeKey!;
    expect(store.tab(key)).toMatchObject({ target: 'host1/a', purpose: 'shell' });
    // The view connects it; nothing is typed before the shell printed something.
    await store.connect(key, { cols: 80, rows: 24 }, sink().sink);
    await new Promise((r) => setTimeout(r, 10));
    expect(api.callsTo('terminal:input')).toEqual([]);
    api.emit('terminal:data', { id: 't0000000000000001', data: '(pod a)root@host1:/# ' });
    await running;
    expect(api.callsTo('terminal:input')).toEqual([{ id: 't0000000000000001', data: 'ping -c 2 10.2.3.10\r' }]);
    // It does not take the keyboard from where the user clicked Run.
    expect(store.activeFocus).toBe(false);
  });

  it('runs the next command in the same shell, a waiting one (tcpdump) in a terminal of its own, never in a ping', async () => {
    const { api, store } = setup();
    const ping = store.open('lab1', 'host1', { ping: '10.2.3.10' });
    const first = store.run('lab1', 'host1', 'ip route');
    const shell = store.activeKey!;
    expect(shell).not.toBe(ping);
    await store.connect(shell, { cols: 80, rows: 24 }, sink().sink);
    api.emit('terminal:data', { id: 't0000000000000001', data: '# ' });
    await first;
    await store.run('lab1', 'host1', 'ip neigh');
    expect(store.activeKey).toBe(shell);
    const waiting = store.run('lab1', 'host1', 'tcpdump -ni eth0 -c 4 udp port 8472', { own: true });
    const own = store.activeKey!;
    expect(own).not.toBe(shell);
    expect(store.tab(own)).toMatchObject({ purpose: 'own', title: 'host1 · tcpdump' });
    await store.connect(own, { cols: 80, rows: 24 }, sink().sink);
    api.emit('terminal:data', { id: 't0000000000000002', data: '# ' });
    await waiting;
    expect(api.callsTo('terminal:input')).toEqual([
      { id: 't0000000000000001', data: 'ip route\r' },
      { id: 't0000000000000001', data: 'ip neigh\r' },
      { id: 't0000000000000002', data: 'tcpdump -ni eth0 -c 4 udp port 8472\r' },
    ]);
    // The next plain command goes back to the shell, not to the busy tcpdump — which stays in view beside it.
    await store.run('lab1', 'host1', 'ip link');
    expect(store.activeKey).toBe(shell);
    expect(store.beside).toBe(own);
    store.activate(own);
    expect(store.beside).toBeNull(); // never shown twice
    store.activate(shell);
    store.unpin();
    expect(store.beside).toBeNull();
  });

  it('the shell gets the size the view has once the session is open, also when it changed while opening, and after every fit', async () => {
    const { api, store } = setup();
    let answer!: (v: TerminalInfo) => void;
    api.handle('terminal:open', () => new Promise<TerminalInfo>((r) => (answer = r)));
    const key = store.open('lab1', 'host1');
    const opening = store.connect(key, { cols: 57, rows: 20 }, sink().sink);
    // Fitted twice while the session opens (the panel settled, the splitter moved).
    store.resize(key, 80, 20);
    store.resize(key, 96, 27);
    answer({ id: 't1', lab: 'lab1', target: 'host1', title: 'host1' });
    await opening;
    expect(api.callsTo('terminal:open')).toEqual([{ lab: 'lab1', target: 'host1', cols: 57, rows: 20 }]);
    expect(api.callsTo('terminal:resize')).toEqual([{ id: 't1', cols: 96, rows: 27 }]);
    store.resize(key, 96, 27); // the same size again: nothing to send
    store.resize(key, 90, 27);
    expect(api.callsTo('terminal:resize')).toEqual([
      { id: 't1', cols: 96, rows: 27 },
      { id: 't1', cols: 90, rows: 27 },
    ]);
  });

  it('a session killed because its lab went away says "lab stopped"; one that exited says its code', async () => {
    const { api, store } = setup();
    let running = [{ name: 'lab1', status: 'running' }];
    api.handle('labs:list', () => running as never);
    const a = store.open('lab1', 'host1');
    const b = store.open('lab1', 'host2');
    const sa = sink();
    await store.connect(a, { cols: 80, rows: 24 }, sa.sink);
    await store.connect(b, { cols: 80, rows: 24 }, sink().sink);
    api.emit('terminal:exit', { id: 't0000000000000001', code: 0 });
    await vi.waitFor(() => expect(store.tab(a)?.status).toBe('exited'));
    expect(endedText(store.tab(a)!, 0)).toBe('session ended, exit code 0');
    running = [];
    api.emit('terminal:exit', { id: 't0000000000000002', code: 137 });
    await vi.waitFor(() => expect(store.tab(b)?.status).toBe('exited'));
    expect(endedText(store.tab(b)!, 137)).toBe('lab stopped');
    // Stopped from here: known at once.
    const c = store.open('lab2', 'host1');
    store.labStopped('lab2');
    expect(endedText(store.tab(c)!, 137)).toBe('lab stopped');
  });

  it('Run in terminal says so when the terminal cannot open', async () => {
    const { api, store } = setup();
    api.handle('terminal:open', () => {
      throw new Error('no lab named "lab1" is running');
    });
    const running = store.run('lab1', 'host1', 'ip route');
    await store.connect(store.activeKey!, { cols: 80, rows: 24 }, sink().sink);
    await expect(running).rejects.toThrow('the terminal on host1 did not open: no lab named "lab1" is running');
  });
});
