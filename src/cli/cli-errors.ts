// Printing errors, and the exit code each one means: 2 for bad input,
// 130 for a cancelled run, 1 for everything else.
import { ERROR_CODES, INPUT_ERROR_CODES, type SerializedError } from '../shared/errors';

export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export async function reportError(e: unknown, source?: string): Promise<number> {
  if (e instanceof ExitCode) return e.code;
  const { serializeError, formatDiagnostics, printable } = await import('../engine/index');
  const err: SerializedError = serializeError(e);
  const out = process.stderr;
  if (err.diagnostics?.length) {
    const omitted = err.omittedDiagnostics ?? 0;
    const count = err.diagnostics.length + omitted;
    out.write(formatDiagnostics(err.diagnostics, source, omitted).join('\n') + '\n');
    out.write(`${count} problem${count > 1 ? 's' : ''} in ${printable(err.diagnostics[0]!.file)}; nothing was created.\n`);
  } else {
    // Messages quote what the user typed (a lab name, a path): never raw control characters on the terminal.
    out.write(`podnet: ${printable(err.message)}\n`);
    if (err.hint) out.write(`  hint: ${printable(err.hint)}\n`);
    if (err.code === ERROR_CODES.INTERNAL && e instanceof Error && process.env.PODNET_DEBUG) out.write(`${e.stack}\n`);
  }
  if (err.code === ERROR_CODES.CANCELLED) return 130;
  return INPUT_ERROR_CODES.includes(err.code) ? 2 : 1;
}
