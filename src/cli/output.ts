// stdout is data: it reaches its reader whole (the process ends only once
// everything written has been flushed — nothing calls process.exit), and a
// reader that goes away (`podnet … | head -1`) ends the command quietly
// with the exit code of a process killed by SIGPIPE, as other tools do.

/** 128 + SIGPIPE. */
export const EPIPE_EXIT_CODE = 141;

export function isBrokenPipe(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/** From now on, a closed stdout sets the exit code instead of crashing the command. */
export function watchStdout(): void {
  process.stdout.on('error', (e) => {
    if (!isBrokenPipe(e)) throw e;
    process.exitCode = EPIPE_EXIT_CODE;
  });
}
