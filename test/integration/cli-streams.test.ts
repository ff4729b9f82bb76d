// What the `podnet` command prints reaches its reader whole, also through a
// pipe and a slow reader; `exec` streams with backpressure instead of keeping
// the output; and a cancelled command ends on the host too (Ctrl-C, kill, a
// reader that went away, a closed terminal, a cancelled ping).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PODNET, ROOT, ensureCliBuilt } from '../helpers/cli';
import { describeWithDocker } from '../helpers/docker-required';
import { expectCancelEndsRemote } from '../helpers/lab-behaviours';
import { useLabs } from '../helpers/lab-fixture';

const LAB = 'it-streams';

/** Runs a shell pipeline in which `$PODNET` is the podnet command. */
function pipeline(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script], { cwd: ROOT, env: { ...process.env, PODNET: `${process.execPath} ${PODNET}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

await describeWithDocker('podnet output and cancellation', () => {
  // The size the issue measured: 20 hosts with 5 pods each make a 0.7 MB inspect.
  const ctx = useLabs(`name: ${LAB}\nhosts: 20\npods: 5\n`);
  const ps = async (text: string) => (await ctx.engine.exec(LAB, 'host1', ['pgrep', '-a', '-f', text])).stdout.trim();
  beforeAll(() => ensureCliBuilt());
  afterAll(async () => {
    await ctx.engine.exec(LAB, 'host1', ['pkill', '-f', 'sleep 1234']).catch(() => undefined);
  });

  it('inspect --json of a 20-host lab arrives whole through a pipe', async () => {
    const r = await pipeline(`$PODNET inspect ${LAB} --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["hosts"]))'`);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('20');
    expect(r.code).toBe(0);
  });

  it('exec: 1 MB reaches a reader that only starts reading later', async () => {
    // Long enough for the command to have ended long before, if it did not wait for its reader.
    const r = await pipeline(`$PODNET exec ${LAB} host1 -- head -c 1000000 /dev/zero | (sleep 3; wc -c)`);
    expect(r.stdout.trim()).toBe('1000000');
  });

  it('exec: a reader that does not read holds the command back; one that goes away ends it on the host', async () => {
    const child = spawn(process.execPath, [PODNET, 'exec', LAB, 'host1', '--', 'cat', '/dev/zero'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    await expect.poll(() => ps('cat /dev/zero'), { timeout: 10_000 }).not.toBe('');
    // Docker streams /dev/zero at hundreds of MB/s: without backpressure the command would hold gigabytes by now.
    await new Promise((r) => setTimeout(r, 2000));
    expect(rssMiB(child.pid!)).toBeLessThan(200);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdout.destroy();
    expect(await exited).toBe(141);
    await expect.poll(() => ps('cat /dev/zero'), { timeout: 5000 }).toBe('');
  });

  it('exec: `| head -c 10` ends at once, and so does cat on the host', async () => {
    const r = await pipeline(`$PODNET exec ${LAB} host1 -- cat /dev/zero | head -c 10 | wc -c`);
    expect(r.stdout.trim()).toBe('10');
    await expect.poll(() => ps('cat /dev/zero'), { timeout: 5000 }).toBe('');
  });

  it('Ctrl-C on `exec -- sleep 1234` leaves no sleep in the host; exit 130', async () => {
    const child = spawn(process.execPath, [PODNET, 'exec', LAB, 'host1/pod1', '--', 'sleep', '1234'], { cwd: ROOT, stdio: 'ignore' });
    await expect.poll(() => ps('sleep 1234'), { timeout: 10_000 }).not.toBe('');
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await ps('sleep 1234')).toBe('');
  });

  it('closing the terminal of `podnet capture` (SIGHUP) leaves no tcpdump in the host', async () => {
    const child = spawn(process.execPath, [PODNET, 'capture', LAB, 'host2', 'eth0'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b) => (err += b));
    await expect.poll(() => err, { timeout: 10_000 }).toMatch(/capturing on host2 eth0/);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGHUP');
    await exited;
    expect((await ctx.engine.exec(LAB, 'host2', ['pgrep', '-a', 'tcpdump'])).stdout).toBe('');
  });

  it('engine: a cancelled exec or ping and a closed terminal end on the host', async () => {
    await expectCancelEndsRemote(ctx.engine, LAB, 'host3/pod1');
  });
});
