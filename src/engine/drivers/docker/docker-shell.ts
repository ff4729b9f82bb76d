// A terminal in a host container: `docker exec` with a TTY. The shell's PID
// is written to a file so that closing the session really ends it (a
// detached exec would otherwise keep running).
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { ShellOptions, ShellStream } from '../host-driver';
import { runExec } from './docker-exec';

export async function openDockerShell(docker: Docker, containerName: string, argv: string[], opts: ShellOptions): Promise<ShellStream> {
  const pidFile = `/run/podnet-term-${randomBytes(6).toString('hex')}.pid`;
  const env = Object.entries({ TERM: 'xterm-256color', ...opts.env }).map(([k, v]) => `${k}=${v}`);
  const exec = await docker.getContainer(containerName).exec({
    Cmd: ['sh', '-c', 'echo $$ > "$0"; exec "$@"', pidFile, ...argv],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: env,
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  const resize = async (cols: number, rows: number) => {
    await exec.resize({ h: Math.max(1, Math.floor(rows)), w: Math.max(1, Math.floor(cols)) }).catch(() => undefined);
  };
  await resize(opts.cols, opts.rows);
  let ended = false;
  const exitListeners: ((code: number | null) => void)[] = [];
  const finish = async () => {
    if (ended) return;
    ended = true;
    const code = await exec.inspect().then((i) => i.ExitCode ?? null, () => null);
    for (const l of exitListeners) l(code);
  };
  stream.on('end', () => void finish());
  stream.on('close', () => void finish());
  stream.on('error', () => void finish());
  return {
    write: (data) => {
      if (!ended) stream.write(data);
    },
    onData: (listener) => stream.on('data', listener),
    onExit: (listener) => exitListeners.push(listener),
    resize,
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    close: () => {
      if (ended) return;
      void runExec(docker, containerName, ['sh', '-c', 'kill -HUP "$(cat "$0")" 2>/dev/null; rm -f "$0"', pidFile]).catch(() => undefined);
      stream.end();
    },
  };
}
