// Whether a lock's or a build's process still runs: a process that has ended
// but was never reaped (a zombie — where PID 1 does not reap, it stays so for
// ever) has ended. Seen for real: a killed `podnet up` left a zombie, and the
// next `up` of that lab was refused as "being built by pid N" for good.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processAlive, processStartTicks } from '../../src/engine/util/process-identity';

describe('processAlive', () => {
  it('a running process is alive; an ended but unreaped one (zombie) is not', async () => {
    // sh starts a short sleep in the background, prints its pid, then becomes `sleep 30`, which never reaps it
    // (the short one must outlive the shell: a shell reaps what ends while it still runs).
    const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(b.toString().trim()))));
      await expect.poll(() => processStartTicks(pid) !== null && !processAlive(pid), { timeout: 5000 }).toBe(true);
      expect(processAlive(parent.pid!)).toBe(true);
      expect(processAlive(parent.pid!, processStartTicks(parent.pid!))).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
