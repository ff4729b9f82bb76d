import { describe, expect, it } from 'vitest';
import { FlowControl } from '../../src/engine/terminals/flow-control';
import { TerminalSession } from '../../src/engine/terminals/terminal-session';
import { localShellStream } from '../helpers/local-shell-stream';

const limits = { high: 100_000, low: 5_000 };

function collect() {
  const chunks: string[] = [];
  let exit: ((code: number | null) => void) | null = null;
  const exited = new Promise<number | null>((r) => (exit = r));
  return { chunks, exited, sink: { data: (d: string) => chunks.push(d), exit: (c: number | null) => exit!(c) }, text: () => chunks.join('') };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('FlowControl', () => {
  it('pauses at the high-water mark and resumes below the low one', () => {
    const calls: string[] = [];
    const f = new FlowControl({ pause: () => calls.push('pause'), resume: () => calls.push('resume') }, limits);
    f.sent(60_000);
    expect(calls).toEqual([]);
    f.sent(40_000);
    expect(calls).toEqual(['pause']);
    f.sent(10_000); // already paused: no second pause
    f.acked(100_000);
    expect(calls).toEqual(['pause']); // 10 000 left: not below 5 000 yet
    f.acked(6_000);
    expect(calls).toEqual(['pause', 'resume']);
    expect(f.pending).toBe(4_000);
  });
});

describe('TerminalSession over a real process', () => {
  it('stops reading a flood when 100k characters are unacknowledged, and delivers all of it once the renderer acks', async () => {
    const total = 3_000_000;
    const out = collect();
    const session = new TerminalSession(localShellStream(['sh', '-c', `head -c ${total} /dev/zero | tr '\\0' x`]), out.sink, { cols: 80, rows: 24, title: 't', flow: limits });
    await until(() => session.paused);
    await new Promise((r) => setTimeout(r, 200));
    // Paused: nothing more arrives however long we wait (the writer is blocked).
    const held = out.text().length;
    expect(held).toBeGreaterThanOrEqual(limits.high);
    expect(held).toBeLessThan(limits.high + 200_000);
    expect(session.unacknowledged).toBe(held);
    // The renderer acks what it rendered, as it renders it.
    let acked = 0;
    while (out.text().length < total) {
      const n = out.text().length - acked;
      if (n > 0) session.ack(n);
      acked += n;
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await out.exited).toBe(0);
    expect(out.text()).toBe('x'.repeat(total));
  });

  it('decodes UTF-8 split across chunks, passes input, records asciicast v2 and plain text', async () => {
    const out = collect();
    const shell = localShellStream(['sh', '-c', "read line; printf '\\342\\202'; sleep 0.1; printf '\\254 %s\\r\\n\\033[1mbold\\033[0m\\n' \"$line\""]);
    const session = new TerminalSession(shell, out.sink, { cols: 100, rows: 30, title: 'lab host1/a', flow: limits });
    session.startRecording();
    await session.resize(120, 40);
    session.input('hello\n');
    expect(await out.exited).toBe(0);
    expect(out.text()).toBe('€ hello\r\n\x1b[1mbold\x1b[0m\n');
    expect(shell.resizes).toEqual([{ cols: 120, rows: 40 }]);
    const rec = session.stopRecording()!;
    const [header, ...events] = rec.cast.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(header).toMatchObject({ version: 2, width: 100, height: 30, title: 'lab host1/a' });
    expect(events[0]).toEqual([expect.any(Number), 'r', '120x40']);
    const printed = events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    expect(printed).toBe(out.text());
    // Times rise.
    const times = events.map((e) => e[0] as number);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(rec.text).toBe('€ hello\nbold\n');
    expect(session.stopRecording()).toBeNull();
  });

  it('keeps a recording bounded: past its limit it takes no more output and says it was cut', async () => {
    const out = collect();
    const session = new TerminalSession(localShellStream(['sh', '-c', "sleep 0.2; head -c 50000 /dev/zero | tr '\\0' y; printf END"]), out.sink, { cols: 80, rows: 24, title: 't', flow: limits, maxRecordedChars: 10_000 });
    session.startRecording();
    expect(await out.exited).toBe(0);
    expect(out.text()).toHaveLength(50_003);
    const rec = session.stopRecording()!;
    expect(rec.truncated).toBe(true);
    const printed = rec.cast.trimEnd().split('\n').slice(1).map((l) => JSON.parse(l)).filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    expect(printed.length).toBeLessThanOrEqual(10_000);
    expect(rec.text.trimEnd()).toBe(printed);
    expect(rec.cast.length).toBeLessThan(20_000);
  });

  it('reports the exit code, and close() ends the process', async () => {
    const out = collect();
    const session = new TerminalSession(localShellStream(['sh', '-c', 'exec sleep 30']), out.sink, { cols: 80, rows: 24, title: 't' });
    session.close();
    expect(await out.exited).toBeNull(); // killed by a signal
  });
});
