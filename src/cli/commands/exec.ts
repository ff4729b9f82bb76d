import { ExitCode } from '../cli-errors';
import { interruptSignal, withEngine } from '../cli-context';
import { EPIPE_EXIT_CODE, isBrokenPipe } from '../output';

export async function execCommand(lab: string, target: string, argv: string[], flags: { stdin?: boolean }): Promise<void> {
  // Streamed both ways, nothing kept here: a slow reader slows the command down; Ctrl-C or a reader that went away ends it on the host.
  const code = await withEngine((engine) =>
    engine.run(lab, target, argv, {
      ...(flags.stdin ? { stdin: process.stdin } : {}),
      stdout: process.stdout,
      stderr: process.stderr,
      signal: interruptSignal(),
    }),
  ).catch((e: unknown) => {
    if (isBrokenPipe(e)) return EPIPE_EXIT_CODE;
    throw e;
  }).finally(() => {
    // A terminal or pipe still open on our side must not keep the finished command alive.
    if (flags.stdin) process.stdin.destroy();
  });
  if (code !== 0) throw new ExitCode(code);
}
