// The app's contract over a real engine and a real lab: launch with
// progress, live topology, terminals (size, flow control, ping, close),
// captures, the packet's path, exercise checks, stop — what the window and
// the browser both use.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventMap, EventName } from '../../src/shared/ipc';
import { createClientApi, type ClientApi } from '../../src/app-api/client-api';
import { EventQueue } from '../../src/app-api/event-queue';
import type { Engine } from '../../src/engine/index';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, newEngine, RESOURCES_DIR } from '../helpers/lab-fixture';

const LAB = 'it-ui-api';

interface Received {
  events: { event: EventName; payload: unknown }[];
  output(id: string): string;
  of<E extends EventName>(event: E): EventMap[E][];
}

function receiver(): { queue: EventQueue; got: Received } {
  const events: Received['events'] = [];
  const queue = new EventQueue((event, payload) => events.push({ event, payload }));
  return {
    queue,
    got: {
      events,
      of: (event) => events.filter((e) => e.event === event).map((e) => e.payload) as never,
      output: (id) =>
        events
          .filter((e) => e.event === 'terminal:data' && (e.payload as EventMap['terminal:data']).id === id)
          .map((e) => (e.payload as EventMap['terminal:data']).data)
          .join(''),
    },
  };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

await describeWithDocker('app API over a real lab', () => {
  let engine: Engine;
  let client: ClientApi;
  let got: Received;

  beforeAll(async () => {
    engine = newEngine();
    await engine.down(LAB);
    const r = receiver();
    got = r.got;
    client = createClientApi({ engine, resourcesDir: RESOURCES_DIR, events: r.queue, info: { transport: 'browser', version: 'test' } });
    await client.handlers['app:ready']();
  });

  afterAll(async () => {
    client.dispose();
    await engine.down(LAB);
    await engine.dispose();
  });

  it('launches a lab file with progress for every step, in order', async () => {
    const result = await client.handlers['labs:up']({ opId: 'op-1', source: { text: builtinLab('flannel-vxlan.yaml', LAB), file: `${LAB}.yaml` } });
    expect(result.name).toBe(LAB);
    const done = got.of('up:progress').filter((p) => p.opId === 'op-1' && p.progress.status !== 'started');
    expect(done.map((p) => p.progress.phase)).toEqual(['image', 'underlay', 'hosts', 'pods', 'overlay', 'publishing', 'ready']);
    expect((await client.handlers['labs:list']()).map((l) => l.name)).toContain(LAB);
  });

  it('pushes observed snapshots and shows a deleted route within a second', async () => {
    await client.handlers['topology:watch']({ lab: LAB });
    await until('a first snapshot', () => got.of('topology:snapshot').some((s) => s.lab === LAB));
    const routes = (host: string) => got.of('topology:snapshot').at(-1)!.snapshot.hosts.find((h) => h.name === host)!.routes.map((r) => r.dst);
    expect(routes('host1')).toContain('10.2.3.0/24');
    await engine.exec(LAB, 'host1', ['ip', 'route', 'del', '10.2.3.0/24']);
    const changed = Date.now();
    await until('the snapshot without the route', () => !routes('host1').includes('10.2.3.0/24'), 1000);
    expect(Date.now() - changed).toBeLessThan(1000);
    await engine.exec(LAB, 'host1', ['ip', 'route', 'replace', '10.2.3.0/24', 'via', '10.2.3.0', 'dev', 'flannel.1', 'onlink']);
    await until('the route back', () => routes('host1').includes('10.2.3.0/24'));
    await client.handlers['topology:unwatch']({ lab: LAB });
  });

  it('opens a pod terminal at the view\u2019s size and follows resizes', async () => {
    const t = await client.handlers['terminal:open']({ lab: LAB, target: 'host1/a', cols: 100, rows: 30 });
    expect(t).toMatchObject({ lab: LAB, target: 'host1/a' });
    await client.handlers['terminal:input']({ id: t.id, data: 'stty size; ip -4 -o addr show eth0\r' });
    // The pod's shell: its size is the view's, its address the pod's.
    await until('stty and ip output', () => got.output(t.id).includes('30 100') && got.output(t.id).includes('10.2.1.2/24'));
    await client.handlers['terminal:resize']({ id: t.id, cols: 132, rows: 43 });
    await client.handlers['terminal:input']({ id: t.id, data: 'stty size\r' });
    await until('the new size', () => got.output(t.id).includes('43 132'));
    await client.handlers['terminal:close']({ id: t.id });
  });

  it('holds a flood at ~100k unacknowledged characters and delivers it all once acked', async () => {
    const t = await client.handlers['terminal:open']({ lab: LAB, target: 'host2', cols: 80, rows: 24 });
    const chars = () => got.output(t.id).length;
    await until('the prompt', () => chars() > 0);
    const before = chars();
    await client.handlers['terminal:ack']({ id: t.id, chars: before });
    await client.handlers['terminal:input']({ id: t.id, data: "head -c 3000000 /dev/zero | tr '\\0' x; echo; echo END-$((6*7))\r" });
    await until('100k unacknowledged characters', () => chars() - before >= 100_000, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    const held = chars() - before;
    // Paused: nothing more arrives, however long nobody acks.
    await new Promise((r) => setTimeout(r, 700));
    expect(chars() - before).toBe(held);
    expect(held).toBeLessThan(300_000);
    // Ack as a renderer would, and the rest flows.
    let acked = chars();
    await client.handlers['terminal:ack']({ id: t.id, chars: held });
    await until(
      'the end of the flood',
      async () => {
        const now = chars();
        if (now > acked) await client.handlers['terminal:ack']({ id: t.id, chars: now - acked });
        acked = now;
        return got.output(t.id).includes('END-42');
      },
      60_000,
    );
    expect(got.output(t.id).split('x').length - 1).toBeGreaterThanOrEqual(3_000_000);
    await client.handlers['terminal:close']({ id: t.id });
  });

  it('runs Ping… as a terminal, records it, and closing the tab ends the ping on the host', async () => {
    const t = await client.handlers['terminal:open']({ lab: LAB, target: 'host1/a', cols: 80, rows: 24, ping: '10.2.3.10' });
    expect(await client.handlers['terminal:record']({ id: t.id, on: true })).toBeNull();
    await until('two replies', () => (got.output(t.id).match(/64 bytes from 10\.2\.3\.10/g) ?? []).length >= 2);
    const rec = (await client.handlers['terminal:record']({ id: t.id, on: false }))!;
    expect(JSON.parse(rec.cast.split('\n')[0]!)).toMatchObject({ version: 2, width: 80, height: 24 });
    expect(rec.text).toMatch(/64 bytes from 10\.2\.3\.10: icmp_seq=\d+ ttl=\d+/);
    const pings = async () => (await engine.exec(LAB, 'host1', ['pgrep', '-x', 'ping'])).stdout.trim();
    expect(await pings()).not.toBe('');
    await client.handlers['terminal:close']({ id: t.id });
    await until('the ping to end', async () => (await pings()) === '');
    await until('the exit event', () => got.of('terminal:exit').some((e) => e.id === t.id));
  });

  it('refuses a terminal on a pod the lab does not have, with the engine\u2019s hint', async () => {
    await expect(client.handlers['terminal:open']({ lab: LAB, target: 'host1/zz', cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'E_TARGET' });
  });

  it('captures through the contract: packets by the page\u2019s id, Stop, Save as .pcap bytes; disposing stops tcpdump', async () => {
    await client.handlers['capture:start']({ id: 'c-1', lab: LAB, target: 'host1', iface: 'eth0', filter: 'udp port 8472' });
    await engine.ping(LAB, 'host1/a', 'host2/b', { count: 2 });
    await until('4 VXLAN packets', () => got.of('capture:packets').filter((b) => b.id === 'c-1').flatMap((b) => b.packets).length >= 4);
    const packets = got.of('capture:packets').flatMap((b) => b.packets);
    expect(packets[0]!.vxlan?.inner).toMatchObject({ src: '10.2.1.2', dst: '10.2.3.10', protocol: 'icmp' });
    const summary = await client.handlers['capture:stop']({ id: 'c-1' });
    expect(summary).toMatchObject({ reason: 'stopped', packets: packets.length });
    await until('capture:end', () => got.of('capture:end').some((e) => e.id === 'c-1'));
    const saved = await client.handlers['capture:save']({ id: 'c-1' });
    expect(saved.how).toBe('download');
    if (saved.how === 'download') expect(Buffer.from(saved.base64, 'base64').readUInt32LE(0)).toBe(0xa1b23c4d);
    // A capture still running when its page goes away is stopped on the host.
    const other = receiver();
    const page2 = createClientApi({ engine, resourcesDir: RESOURCES_DIR, events: other.queue, info: { transport: 'browser', version: 'test' } });
    await page2.handlers['capture:start']({ id: 'c-2', lab: LAB, target: 'host2/b', iface: 'any' });
    const tcpdumps = async () => (await engine.exec(LAB, 'host2', ['pgrep', '-x', 'tcpdump'])).stdout.trim();
    expect(await tcpdumps()).not.toBe('');
    page2.dispose();
    await until('tcpdump to end', async () => (await tcpdumps()) === '');
  });

  it('traces a ping\u2019s path and checks an exercise step against the lab', async () => {
    const path = await client.handlers['path:trace']({ lab: LAB, from: 'host1/a', to: 'host2/b' });
    expect(path.ok).toBe(true);
    expect(path.request.hops.map((h) => `${h.node} ${h.iface}`)).toEqual(expect.arrayContaining(['host1 flannel.1', 'host2 flannel.1', 'host2/b eth0']));
    const [step3] = await client.handlers['exercises:check']({ id: 'flannel-vxlan', lab: LAB, step: 3 });
    expect(step3).toMatchObject({ step: 3, passed: true });
    const filled = await client.handlers['exercises:get']({ id: '6', lab: LAB });
    expect(filled.resolvedFor).toBe(LAB);
  });

  it('a TCP path as the page asks for it; a page that goes away mid-trace cancels it and leaves no trace table', async () => {
    // Nothing listens on port 81 of host2/b: the SYN arrives, a reset answers.
    const tcp = await client.handlers['path:trace']({ lab: LAB, from: 'host1/a', to: 'host2/b', protocol: 'tcp', port: 81 });
    expect(tcp).toMatchObject({ protocol: 'tcp', port: 81, ok: false, request: { reached: true } });
    expect(tcp.trace!.hops.find((h) => h.node === 'host2/b' && h.leg === 'reply')!.packet).toMatch(/\[rst,ack\]$/);

    const other = receiver();
    const page2 = createClientApi({ engine, resourcesDir: RESOURCES_DIR, events: other.queue, info: { transport: 'browser', version: 'test' } });
    const tables = async () => (await engine.exec(LAB, 'host1', ['nft', 'list', 'tables'])).stdout;
    // The datagram is dropped on host2: the probe waits for an answer meanwhile.
    const drop = ['FORWARD', '-d', '10.2.3.10', '-p', 'udp', '--dport', '5353', '-j', 'DROP'];
    expect((await engine.exec(LAB, 'host2', ['iptables', '-I', ...drop])).code).toBe(0);
    try {
      const traced = page2.handlers['path:trace']({ lab: LAB, from: 'host1/a', to: 'host2/b', protocol: 'udp', port: 5353 });
      await until('the trace table on host1', async () => (await tables()).includes('podnet-trace-'));
      page2.dispose();
      await expect(traced).rejects.toThrow(/cancel/i);
      await until('the trace table to go', async () => !(await tables()).includes('podnet-trace-'));
    } finally {
      await engine.exec(LAB, 'host2', ['iptables', '-D', ...drop]);
    }
  });

  it('stops the lab: nothing with its label remains', async () => {
    const { removed } = await client.handlers['labs:down']({ name: LAB });
    expect(removed.length).toBeGreaterThanOrEqual(3);
    expect((await client.handlers['labs:list']()).map((l) => l.name)).not.toContain(LAB);
  });
});
