// A long-running process on a machine (e.g. tcpdump for a capture): its
// output streams over its own SSH channel as it comes (and waits while it is
// not read); it reports its PID first (spawn-wrapper.ts) so that stopping it
// sends the signal to exactly that process on the machine.
import type { SpawnOptions, SpawnedProcess } from '../host-driver';
import { PidLineFilter, pidReportingArgv } from '../spawn-wrapper';
import { drained, type SshConnection } from './ssh-connection';

export async function spawnOverSsh(conn: SshConnection, command: (argv: string[]) => string, argv: string[], opts: SpawnOptions): Promise<SpawnedProcess> {
  const opened = await conn.openChannel(command(pidReportingArgv(argv)), { wait: true });
  const { channel } = opened;
  const pidFilter = new PidLineFilter((b) => opts.onStderr?.(b));
  channel.on('data', (b: Buffer) => opts.onStdout(b));
  channel.stderr.on('data', (b: Buffer) => pidFilter.push(b));
  const exited = Promise.all([opened.exited, drained(channel), drained(channel.stderr)]).then(([code]) => {
    pidFilter.end();
    return code ?? -1;
  });
  if (opts.stdin === undefined || Buffer.isBuffer(opts.stdin)) channel.end(opts.stdin);
  else opts.stdin.pipe(channel);
  return {
    exited,
    async kill(signal = 'TERM') {
      const kill = await pidFilter.signalArgv(signal);
      if (kill) await conn.exec(command(kill)).catch(() => undefined);
    },
    // Unread data holds back SSH's window: the machine's sshd stops reading the process's pipes.
    pause: () => {
      channel.pause();
      channel.stderr.pause();
    },
    resume: () => {
      channel.resume();
      channel.stderr.resume();
    },
  };
}
