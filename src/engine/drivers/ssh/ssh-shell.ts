// A terminal on a machine: an ssh2 exec channel with a PTY, which follows
// resizes (window-change) and ends the shell when closed (SIGHUP, as sshd does).
import type { ShellOptions, ShellStream } from '../host-driver';
import { drained, type SshConnection } from './ssh-connection';

export async function openSshShell(conn: SshConnection, command: string, opts: ShellOptions): Promise<ShellStream> {
  const cols = Math.max(1, Math.floor(opts.cols));
  const rows = Math.max(1, Math.floor(opts.rows));
  const { channel, exited } = await conn.openChannel(command, { wait: true, pty: { term: 'xterm-256color', cols, rows, width: 0, height: 0 } });
  let ended = false;
  let code: number | null = null;
  const exitListeners: ((code: number | null) => void)[] = [];
  void Promise.all([exited, drained(channel)]).then(([c]) => {
    ended = true;
    code = c;
    for (const l of exitListeners) l(code);
  });
  return {
    write: (data) => {
      if (!ended) channel.write(data);
    },
    onData: (listener) => {
      channel.on('data', listener);
      channel.stderr.on('data', listener);
    },
    onExit: (listener) => {
      if (ended) listener(code);
      else exitListeners.push(listener);
    },
    resize: async (c, r) => {
      if (!ended) channel.setWindow(Math.max(1, Math.floor(r)), Math.max(1, Math.floor(c)), 0, 0);
    },
    pause: () => channel.pause(),
    resume: () => channel.resume(),
    close: () => {
      if (ended) return;
      // Hang up the command itself too (a sudo between sshd and the shell relays it): closing the
      // channel alone leaves it to sshd noticing, which under load can take seconds.
      channel.signal('HUP');
      channel.close();
    },
  };
}
