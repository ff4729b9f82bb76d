// A ShellStream over a real local process (pipes, no TTY): the terminal
// session code runs against real backpressure — a paused stdout really
// stops the writer — without a lab.
import { spawn } from 'node:child_process';
import type { ShellStream } from '../../src/engine/drivers/host-driver';

export interface LocalShell extends ShellStream {
  readonly pid: number;
  readonly resizes: { cols: number; rows: number }[];
}

export function localShellStream(argv: string[]): LocalShell {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const resizes: { cols: number; rows: number }[] = [];
  return {
    pid: child.pid!,
    resizes,
    write: (data) => void child.stdin.write(data),
    onData: (l) => {
      child.stdout.on('data', l);
      child.stderr.on('data', l);
    },
    onExit: (l) => void child.once('close', (code) => l(code)),
    resize: async (cols, rows) => void resizes.push({ cols, rows }),
    pause: () => child.stdout.pause(),
    resume: () => child.stdout.resume(),
    close: () => void child.kill('SIGHUP'),
  };
}
