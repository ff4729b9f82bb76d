// A client's captures over a fake engine: packets pushed in batches by the
// page's id, the end, Stop, Save (a download for a browser, the native
// dialog in the desktop app), Close, and everything stopped on dispose.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaptureListener, CaptureRequest, CaptureSummary } from '../../src/shared/capture';
import type { EventMap, EventName } from '../../src/shared/ipc';
import { CaptureRegistry, MAX_CAPTURES, pcapFileName } from '../../src/app-api/capture-registry';
import { EventQueue } from '../../src/app-api/event-queue';
import { PodnetError } from '../../src/engine/errors';
import type { CaptureSession } from '../../src/engine/index';
import { echoRequest } from '../helpers/captured';

afterEach(() => vi.useRealTimers());

const summary = (reason: CaptureSummary['reason'], packets = 0): CaptureSummary => ({ lab: 'lab1', target: 'host1', iface: 'eth0', filter: null, packets, message: '', reason });

function fakeEngine(opts: { fail?: boolean; endAtStart?: boolean } = {}) {
  const started: { lab: string; request: CaptureRequest; listener: CaptureListener; stopped: number }[] = [];
  const engine = {
    async startCapture(lab: string, request: CaptureRequest, listener: CaptureListener = {}): Promise<CaptureSession> {
      const entry = { lab, request, listener, stopped: 0 };
      started.push(entry);
      if (opts.endAtStart) listener.onEnd?.(summary('error'));
      if (opts.fail) throw new PodnetError('E_TARGET', 'capture on host1 eth9 failed: No such device');
      return {
        id: 'engine-side',
        done: new Promise(() => undefined),
        packets: () => [],
        pcap: () => Buffer.from([0x4d, 0x3c, 0xb2, 0xa1, 1, 2, 3]),
        records: () => ({ header: null, records: [] }),
        async stop() {
          entry.stopped++;
          const s = summary('stopped', 2);
          listener.onEnd?.(s);
          return s;
        },
      };
    },
  };
  return { engine, started };
}

function events() {
  const got: { event: EventName; payload: unknown }[] = [];
  const queue = new EventQueue((event, payload) => got.push({ event, payload }));
  queue.ready();
  return { queue, got, of: <E extends EventName>(e: E) => got.filter((x) => x.event === e).map((x) => x.payload as EventMap[E]) };
}

const REQ = { id: 'c-1', lab: 'lab1', target: 'host1', iface: 'eth0', filter: 'udp port 8472', count: 4 };

describe('CaptureRegistry', () => {
  it('starts tcpdump through the engine and pushes packets by the page\u2019s id, a batch at a time', async () => {
    vi.useFakeTimers();
    const { engine, started } = fakeEngine();
    const ev = events();
    const reg = new CaptureRegistry(engine, ev.queue);
    await reg.start(REQ);
    expect(started[0]).toMatchObject({ lab: 'lab1', request: { target: 'host1', iface: 'eth0', filter: 'udp port 8472', count: 4 } });
    const { onPacket } = started[0]!.listener;
    for (let i = 1; i <= 3; i++) onPacket!(echoRequest(i, 100 + i));
    expect(ev.of('capture:packets')).toEqual([]);
    vi.advanceTimersByTime(60);
    expect(ev.of('capture:packets').map((b) => [b.id, b.packets.map((p) => p.index)])).toEqual([['c-1', [1, 2, 3]]]);
    // A flood is not held back: a full batch goes at once.
    for (let i = 4; i < 4 + 256; i++) onPacket!(echoRequest(i, 200));
    expect(ev.of('capture:packets')).toHaveLength(2);
    expect(ev.of('capture:packets')[1]!.packets).toHaveLength(256);
  });

  it('Stop ends it: what waited goes out first, then capture:end with the summary', async () => {
    vi.useFakeTimers();
    const { engine, started } = fakeEngine();
    const ev = events();
    const reg = new CaptureRegistry(engine, ev.queue);
    await reg.start(REQ);
    started[0]!.listener.onPacket!(echoRequest(1, 1));
    expect(await reg.stop('c-1')).toMatchObject({ reason: 'stopped', packets: 2 });
    expect(ev.got.map((g) => g.event)).toEqual(['capture:packets', 'capture:end']);
    expect(ev.of('capture:end')[0]).toEqual({ id: 'c-1', summary: summary('stopped', 2) });
  });

  it('Save gives a browser the .pcap bytes to download, and asks the desktop app\u2019s dialog where to write them', async () => {
    const { engine } = fakeEngine();
    const browser = new CaptureRegistry(engine, events().queue);
    await browser.start(REQ);
    const saved = await browser.save('c-1');
    expect(saved.how).toBe('download');
    if (saved.how !== 'download') return;
    expect(saved.name).toMatch(/^lab1-host1-eth0-\d{8}-\d{6}\.pcap$/);
    expect(Buffer.from(saved.base64, 'base64').readUInt32LE(0)).toBe(0xa1b23c4d);

    const asked: [string, Buffer][] = [];
    const desktop = new CaptureRegistry(engine, events().queue, async (name, bytes) => (asked.push([name, bytes]), `/home/me/${name}`));
    await desktop.start(REQ);
    const where = await desktop.save('c-1');
    expect(where).toEqual({ how: 'dialog', path: `/home/me/${asked[0]![0]}` });
    expect(asked[0]![1].readUInt32LE(0)).toBe(0xa1b23c4d);
    const cancelled = new CaptureRegistry(engine, events().queue, async () => null);
    await cancelled.start(REQ);
    expect(await cancelled.save('c-1')).toEqual({ how: 'dialog', path: null });
  });

  it('a capture that cannot start is an error, forgotten, and never reported as ended', async () => {
    const { engine } = fakeEngine({ fail: true, endAtStart: true });
    const ev = events();
    const reg = new CaptureRegistry(engine, ev.queue);
    await expect(reg.start(REQ)).rejects.toMatchObject({ code: 'E_TARGET' });
    expect(ev.got).toEqual([]);
    await expect(reg.stop('c-1')).rejects.toMatchObject({ code: 'E_USAGE' });
    await reg.start(REQ).catch(() => undefined); // the id is free again
  });

  it('an end that comes with the start (count reached at once) is told after the start', async () => {
    const { engine } = fakeEngine({ endAtStart: true });
    const ev = events();
    await new CaptureRegistry(engine, ev.queue).start(REQ);
    expect(ev.of('capture:end')).toEqual([{ id: 'c-1', summary: summary('error') }]);
  });

  it('refuses a second capture with the same id and more than its limit; Close and dispose stop tcpdump', async () => {
    const { engine, started } = fakeEngine();
    const ev = events();
    const reg = new CaptureRegistry(engine, ev.queue);
    await reg.start(REQ);
    await expect(reg.start(REQ)).rejects.toMatchObject({ code: 'E_USAGE' });
    for (let i = 2; i <= MAX_CAPTURES; i++) await reg.start({ ...REQ, id: `c-${i}` });
    await expect(reg.start({ ...REQ, id: 'c-over' })).rejects.toThrow(/captures are open/);
    reg.discard('c-1');
    expect(started[0]!.stopped).toBe(1);
    await expect(reg.save('c-1')).rejects.toThrow(/no capture c-1/);
    reg.dispose();
    expect(started.slice(1).every((s) => s.stopped === 1)).toBe(true);
    // Nothing of a closed capture reaches the page.
    expect(ev.of('capture:end')).toEqual([]);
  });

  it('names the file after the lab, target, interface and time, with nothing a file system would mind', () => {
    expect(pcapFileName({ lab: 'flannel-vxlan', target: 'host1/a', iface: 'flannel.1' }, new Date('2024-05-01T12:34:56Z'))).toBe('flannel-vxlan-host1-a-flannel.1-20240501-123456.pcap');
    expect(pcapFileName({ lab: 'l', target: 'h', iface: 'a:b@c' }, new Date(0))).toBe('l-h-a_b_c-19700101-000000.pcap');
  });
});
