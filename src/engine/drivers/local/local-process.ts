// Processes on this machine: run an argv to completion (with stdin and
// streamed output), or keep one open as a warm script channel.
import { spawn } from 'node:child_process';
import type { ExecResult } from '../../../shared/lab';
import { cancelledError } from '../../errors';
import type { ExecOptions, SpawnOptions, SpawnedProcess } from '../host-driver';
import type { ChannelTransport } from '../script-channel';

export function runProcess(argv: readonly string[], opts: ExecOptions & { env?: Record<string, string> } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => {
      out.push(b);
      opts.onStdout?.(b);
    });
    child.stderr!.on('data', (b: Buffer) => {
      err.push(b);
      opts.onStderr?.(b);
    });
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject((e as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(`${argv[0]} is not installed`) : e);
    });
    child.on('close', (code, sig) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(cancelledError());
      resolve({ code: code ?? (sig ? 128 : -1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin);
    }
  });
}

/**
 * A process whose output streams as it comes (and waits while it is not
 * read), stopped by a signal. It leads a process group of its own (nsenter
 * execs the argv: same PID), so a signal reaches what it started too — as a
 * terminal's Ctrl-C does.
 */
export function spawnProcess(argv: readonly string[], opts: SpawnOptions, env?: Record<string, string>): Promise<SpawnedProcess> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: true });
  const stdout = child.stdout!;
  const stderr = child.stderr!;
  stdout.on('data', (b: Buffer) => opts.onStdout(b));
  stderr.on('data', (b: Buffer) => opts.onStderr?.(b));
  if (child.stdin) {
    child.stdin.on('error', () => undefined);
    if (Buffer.isBuffer(opts.stdin)) child.stdin.end(opts.stdin);
    else opts.stdin?.pipe(child.stdin);
  }
  const exited = new Promise<number>((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1)));
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () =>
      resolve({
        exited,
        kill: async (signal = 'TERM') => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          try {
            process.kill(-child.pid!, `SIG${signal}`);
          } catch {
            child.kill(`SIG${signal}`);
          }
        },
        pause: () => {
          stdout.pause();
          stderr.pause();
        },
        resume: () => {
          stdout.resume();
          stderr.resume();
        },
      }),
    );
  });
}

/** A long-lived process with its three streams, for a ScriptChannel. */
export async function openProcessChannel(argv: readonly string[], env?: Record<string, string>): Promise<ChannelTransport> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    // `exit`: the shell itself ended, even if a process it started still holds its stdout.
    onClose: (listener) => child.once('exit', listener),
    close: () => child.kill('SIGKILL'),
  };
}
