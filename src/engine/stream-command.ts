// A command on a lab host whose output goes to the caller's streams as it
// comes: nothing is kept here (`cat /dev/zero` costs no memory), a reader
// slower than the command slows the command down (backpressure reaches the
// host), and cancelling — Ctrl-C, a closed client, a reader that went away —
// ends the command on its host too, not only the wait for it here.
import type { Writable } from 'node:stream';
import type { SpawnOptions, SpawnedProcess } from './drivers/host-driver';
import { cancelledError } from './errors';

export interface CommandIo {
  /** The command's input: bytes, or a stream passed on as it comes. Default: none. */
  stdin?: Buffer | NodeJS.ReadableStream;
  stdout: Writable;
  stderr: Writable;
  signal?: AbortSignal;
}

/** Starts the command (already bound to its host) with these options. */
export type Spawner = (opts: SpawnOptions) => Promise<SpawnedProcess>;

/** How long a cancelled command has after SIGINT before it gets SIGKILL. */
export const KILL_AFTER_MS = 3000;

/**
 * Runs to the end and resolves with the exit code. Rejects with `cancelled`
 * when `io.signal` fired, and with the write error when an output stream
 * failed (EPIPE: the reader is gone) — in both cases only after the command
 * has ended on its host.
 */
export async function streamCommand(spawn: Spawner, io: CommandIo): Promise<number> {
  if (io.signal?.aborted) throw cancelledError();
  let proc: SpawnedProcess | null = null;
  /** Outputs waiting for 'drain'; the command is paused while there is one. */
  const blocked = new Set<Writable>();
  let writeError: Error | null = null;
  /** Set once the command is to end: output is dropped from then on. */
  let stopWith: 'INT' | 'TERM' | null = null;

  const forward = (to: Writable) => (chunk: Buffer) => {
    if (stopWith) return;
    if (to.write(chunk) || blocked.has(to)) return;
    blocked.add(to);
    proc?.pause();
    to.once('drain', () => {
      blocked.delete(to);
      if (blocked.size === 0 && !stopWith) proc?.resume();
    });
  };
  const end = (p: SpawnedProcess, signal: 'INT' | 'TERM') => {
    // Unpaused, so that the command can run into its end; what it still prints is dropped.
    p.resume();
    void p.kill(signal);
    const escalate = setTimeout(() => void p.kill('KILL'), KILL_AFTER_MS);
    void p.exited.finally(() => clearTimeout(escalate));
  };
  const stop = (signal: 'INT' | 'TERM') => {
    if (stopWith) return;
    stopWith = signal;
    blocked.clear();
    if (proc) end(proc, signal);
  };
  const onAbort = () => stop('INT');
  const onWriteError = (e: Error) => {
    writeError ??= e;
    stop('TERM');
  };
  io.signal?.addEventListener('abort', onAbort, { once: true });
  io.stdout.on('error', onWriteError);
  io.stderr.on('error', onWriteError);
  try {
    proc = await spawn({ onStdout: forward(io.stdout), onStderr: forward(io.stderr), ...(io.stdin !== undefined ? { stdin: io.stdin } : {}) });
    if (stopWith) end(proc, stopWith);
    else if (blocked.size > 0) proc.pause();
    const code = await proc.exited;
    if (io.signal?.aborted) throw cancelledError();
    if (writeError) throw writeError;
    return code;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    io.stdout.off('error', onWriteError);
    io.stderr.off('error', onWriteError);
  }
}
