// A terminal in a local lab host: a real PTY (node-pty) around `nsenter`
// into the host's namespaces, resizable, closed by SIGHUP like a terminal.
import type { ShellOptions, ShellStream } from '../host-driver';

type Pty = typeof import('node-pty');

export async function openLocalShell(argv: readonly string[], opts: ShellOptions): Promise<ShellStream> {
  const pty: Pty = await import('node-pty');
  const term = pty.spawn(argv[0]!, argv.slice(1), {
    name: 'xterm-256color',
    cols: Math.max(1, Math.floor(opts.cols)),
    rows: Math.max(1, Math.floor(opts.rows)),
    cwd: '/',
    env: { ...process.env, TERM: 'xterm-256color', ...opts.env } as Record<string, string>,
    encoding: null,
  } as Parameters<Pty['spawn']>[2]);
  let ended = false;
  const exitListeners: ((code: number | null) => void)[] = [];
  term.onExit(({ exitCode }) => {
    ended = true;
    for (const l of exitListeners) l(exitCode);
  });
  return {
    write: (data) => {
      if (!ended) term.write(typeof data === 'string' ? data : data.toString('utf8'));
    },
    onData: (listener) => {
      term.onData((d: string | Buffer) => listener(typeof d === 'string' ? Buffer.from(d, 'utf8') : d));
    },
    onExit: (listener) => {
      if (ended) listener(null);
      else exitListeners.push(listener);
    },
    resize: async (cols, rows) => {
      if (!ended) term.resize(Math.max(1, Math.floor(cols)), Math.max(1, Math.floor(rows)));
    },
    pause: () => term.pause(),
    resume: () => term.resume(),
    close: () => {
      if (!ended) term.kill('SIGHUP');
    },
  };
}
