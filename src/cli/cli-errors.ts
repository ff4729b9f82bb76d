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
  const { serializeError, formatDiagnostic } = await import('../engine/index');
  const err: SerializedError = serializeError(e);
  const out = process.stderr;
  if (err.diagnostics?.length) {
    for (const d of err.diagnostics) out.write(formatDiagnostic(d, source) + '\n');
    out.write(`${err.diagnostics.length} problem${err.diagnostics.length > 1 ? 's' : ''} in ${err.diagnostics[0]!.file}; nothing was created.\n`);
  } else {
    out.write(`podnet: ${err.message}\n`);
    if (err.hint) out.write(`  hint: ${err.hint}\n`);
    if (err.code === ERROR_CODES.INTERNAL && e instanceof Error && process.env.PODNET_DEBUG) out.write(`${e.stack}\n`);
  }
  if (err.code === ERROR_CODES.CANCELLED) return 130;
  return INPUT_ERROR_CODES.includes(err.code) ? 2 : 1;
}
