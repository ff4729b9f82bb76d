// `docker exec` through dockerode: run an argv to completion, or keep its
// streams open (warm channels, terminals).
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecResult } from '../../../shared/lab';
import { cancelledError } from '../../errors';
import type { ExecOptions, SpawnOptions, SpawnedProcess } from '../host-driver';
import { PidLineFilter, pidReportingArgv } from '../spawn-wrapper';
import type { ChannelTransport } from '../script-channel';

/** A request cut short by the caller's signal fails as "cancelled", not as a broken connection. */
function cancelledIfAborted(signal: AbortSignal | undefined): (e: unknown) => never {
  return (e) => {
    throw signal?.aborted ? cancelledError() : e;
  };
}

export async function runExec(docker: Docker, containerName: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const container = docker.getContainer(containerName);
  const withStdin = opts.stdin !== undefined;
  // The signal reaches the requests too: Docker never answers an exec start into a container removed meanwhile.
  const abortSignal = opts.signal ? { abortSignal: opts.signal } : {};
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, AttachStdin: withStdin, ...abortSignal }).catch(cancelledIfAborted(opts.signal));
  const stream = await exec.start({ hijack: true, stdin: withStdin, ...abortSignal }).catch(cancelledIfAborted(opts.signal));
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (b: Buffer) => {
    out.push(b);
    opts.onStdout?.(b);
  });
  stderr.on('data', (b: Buffer) => {
    err.push(b);
    opts.onStderr?.(b);
  });
  docker.modem.demuxStream(stream, stdout, stderr);
  const onAbort = () => stream.destroy(cancelledError());
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
      if (withStdin) stream.end(opts.stdin);
    });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) throw cancelledError();
  const info = await exec.inspect();
  return { code: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** A long-lived `sh` in the container with separate stdout and stderr. */
export async function openExecChannel(docker: Docker, containerName: string, argv: string[]): Promise<ChannelTransport> {
  const exec = await docker.getContainer(containerName).exec({ Cmd: argv, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: true });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(stream, stdout, stderr);
  stream.on('end', () => {
    stdout.end();
    stderr.end();
  });
  stream.on('error', (e) => stdout.destroy(e));
  return {
    stdin: stream,
    stdout,
    stderr,
    onClose: (listener) => {
      stream.once('end', listener);
      stream.once('close', listener);
    },
    close: () => stream.destroy(),
  };
}

/** A process with streamed, unbuffered output that can be signalled and paused (see spawn-wrapper.ts). */
export async function spawnExec(docker: Docker, containerName: string, argv: string[], opts: SpawnOptions): Promise<SpawnedProcess> {
  const container = docker.getContainer(containerName);
  const withStdin = opts.stdin !== undefined;
  const exec = await container.exec({ Cmd: pidReportingArgv(argv), AttachStdout: true, AttachStderr: true, AttachStdin: withStdin });
  const stream = await exec.start({ hijack: true, stdin: withStdin });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const pidFilter = new PidLineFilter((b) => opts.onStderr?.(b));
  stdout.on('data', (b: Buffer) => opts.onStdout(b));
  stderr.on('data', (b: Buffer) => pidFilter.push(b));
  docker.modem.demuxStream(stream, stdout, stderr);
  const exited = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  }).then(async () => {
    pidFilter.end();
    const info = await exec.inspect().catch(() => null);
    return info?.ExitCode ?? -1;
  });
  // The end of the input half-closes the connection: the process reads its end of file.
  if (Buffer.isBuffer(opts.stdin)) stream.end(opts.stdin);
  else if (opts.stdin) opts.stdin.pipe(stream);
  return {
    exited,
    async kill(signal = 'TERM') {
      const kill = await pidFilter.signalArgv(signal);
      if (kill) await runExec(docker, containerName, kill).catch(() => undefined);
    },
    // The connection carries both streams: pausing it stops both, and Docker then stops reading the process's pipes.
    pause: () => void stream.pause(),
    resume: () => void stream.resume(),
  };
}
