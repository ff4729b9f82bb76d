// A terminal in a local lab host: a real PTY (node-pty) around `nsenter`
// into the host's namespaces, resizable, closed by SIGHUP like a terminal.
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError } from '../../errors';
import type { ShellOptions, ShellStream } from '../host-driver';

type Pty = typeof import('node-pty');

export async function openLocalShell(argv: readonly string[], opts: ShellOptions): Promise<ShellStream> {
  let pty: Pty;
  try {
    pty = await import('node-pty');
  } catch (e) {
    // A native addon: built for the Node.js that ran `npm install`; Electron needs its own build.
    throw new PodnetError(ERROR_CODES.INTERNAL, `terminals of local labs need node-pty, which does not load here: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, {
      hint: process.versions.electron ? 'rebuild it for Electron: npx @electron/rebuild -f -w node-pty' : 'reinstall it: npm rebuild node-pty',
    });
  }
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
