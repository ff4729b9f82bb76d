// streamCommand over real processes on this machine (the local driver's
// spawn): output passes through as it comes and nothing piles up when the
// reader is slow; cancelling or a reader that goes away ends the command
// and what it started.
import { execFileSync } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { spawnProcess } from '../../src/engine/drivers/local/local-process';
import { streamCommand } from '../../src/engine/stream-command';

const spawnLocal = (argv: string[]) => (o: Parameters<typeof spawnProcess>[1]) => spawnProcess(argv, o);
const sink = () => new Writable({ write: (_c, _e, done) => done() });
const alive = (marker: string) => {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
};

describe('streamCommand', () => {
  it('passes stdin through and output on, and resolves with the exit code', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (b) => (text += b));
    const code = await streamCommand(spawnLocal(['sh', '-c', 'tr a-z A-Z; exit 3']), { stdin: Buffer.from('hello\n'), stdout: out, stderr: sink() });
    expect(code).toBe(3);
    expect(text).toBe('HELLO\n');
  });

  it('a reader that does not keep up pauses the command: what waits here stays bounded', async () => {
    // A writable that takes one chunk every 20 ms, with a 64 KiB buffer.
    let buffered = 0;
    let peak = 0;
    let taken = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _e, done) {
        buffered = slow.writableLength;
        peak = Math.max(peak, buffered);
        taken += chunk.length;
        setTimeout(done, 20);
      },
    });
    const controller = new AbortController();
    const run = streamCommand(spawnLocal(['cat', '/dev/zero']), { stdout: slow, stderr: sink(), signal: controller.signal });
    await expect.poll(() => taken, { timeout: 5000 }).toBeGreaterThan(256 * 1024);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
    // Without backpressure cat /dev/zero would have put gigabytes into the writable's buffer by now.
    expect(peak).toBeLessThan(4 * 1024 * 1024);
  });

  it('cancelling ends the command and what it started (its process group)', async () => {
    const marker = `sleep 4321.${process.pid}`;
    const controller = new AbortController();
    const run = streamCommand(spawnLocal(['sh', '-c', `${marker} | cat`]), { stdout: sink(), stderr: sink(), signal: controller.signal });
    await expect.poll(() => alive(marker), { timeout: 5000 }).toBe(true);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(alive(marker)).toBe(false);
  });

  it('a reader that goes away (EPIPE) ends the command, and its error is passed on', async () => {
    const broken = new Writable({
      write: (_c, _e, done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
    });
    const marker = `yes epipe-${process.pid}`;
    await expect(streamCommand(spawnLocal(['yes', `epipe-${process.pid}`]), { stdout: broken, stderr: sink() })).rejects.toMatchObject({ code: 'EPIPE' });
    expect(alive(marker)).toBe(false);
  });
});
