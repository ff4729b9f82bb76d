import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../src/shared/lab';
import type { ExecOptions } from '../../src/engine/drivers/host-driver';
import { PidLineFilter, killArgv, pidReportingArgv, spawnOverExec } from '../../src/engine/drivers/spawn-wrapper';

describe('stopping a spawned process by the PID it reports', () => {
  it('the argv stays positional parameters: the shell never parses it', () => {
    expect(pidReportingArgv(['tcpdump', '--', 'icmp; reboot'])).toEqual(['sh', '-c', `printf '\\036pid %s\\n' "$$" >&2; exec "$@"`, 'sh', 'tcpdump', '--', 'icmp; reboot']);
    // The group the process leads (a docker exec or SSH session), else the process alone.
    expect(killArgv('INT', 42)).toEqual(['sh', '-c', 'kill -INT -"$1" 2>/dev/null || kill -INT "$1"', 'sh', '42']);
  });

  it('takes the PID line off stderr, even split across chunks, and forwards the rest untouched', async () => {
    const out: string[] = [];
    const f = new PidLineFilter((b) => out.push(b.toString()));
    f.push(Buffer.from('\x1epid 12'));
    f.push(Buffer.from('3\nlistening on eth0\n'));
    f.push(Buffer.from('more\n'));
    expect(await f.pid).toBe(123);
    expect(out.join('')).toBe('listening on eth0\nmore\n');
  });

  it('no PID when the wrapper never ran (the error is passed on)', async () => {
    const out: string[] = [];
    const f = new PidLineFilter((b) => out.push(b.toString()));
    f.push(Buffer.from('OCI runtime exec failed\n'));
    expect(await f.pid).toBeNull();
    expect(out).toEqual(['OCI runtime exec failed\n']);
    const g = new PidLineFilter(() => undefined);
    g.end();
    expect(await g.pid).toBeNull();
    expect(await g.signalArgv('TERM')).toBeNull();
  });

  it('signals the reported PID while the process runs, and nothing once it has ended', async () => {
    const f = new PidLineFilter(() => undefined);
    f.push(Buffer.from('\x1epid 77\n'));
    expect(await f.signalArgv('INT')).toEqual(killArgv('INT', 77));
    f.end();
    expect(await f.signalArgv('INT')).toBeNull();
  });
});

/** `exec` on this machine: the argv as a child process, output streamed. */
function localExec(argv: string[], opts: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => ((stdout += b), opts.onStdout?.(b)));
    child.stderr.on('data', (b: Buffer) => ((stderr += b), opts.onStderr?.(b)));
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + (signal === 'SIGINT' ? 2 : 15), stdout, stderr }));
  });
}

describe('spawn over a plain exec (drivers without their own spawn)', () => {
  it('streams output, and kill reaches exactly the process it started', async () => {
    const out: Buffer[] = [];
    const p = spawnOverExec(localExec, ['sh', '-c', 'echo ready; exec sleep 30'], { onStdout: (b) => out.push(b) });
    while (!Buffer.concat(out).toString().includes('ready')) await new Promise((r) => setTimeout(r, 10));
    await p.kill('TERM');
    expect(await p.exited).toBe(143);
    await p.kill('KILL'); // after the end: nothing to do
  });

  it('the argv is never parsed by a shell', async () => {
    const out: Buffer[] = [];
    const p = spawnOverExec(localExec, ['echo', '$HOME; `id`'], { onStdout: (b) => out.push(b) });
    expect(await p.exited).toBe(0);
    expect(Buffer.concat(out).toString()).toBe('$HOME; `id`\n');
  });
});
