import { ERROR_CODES, type Diagnostic, type ErrorCode, type SerializedError } from '../shared/errors';

/** The one error type the engine throws on purpose. */
export class PodnetError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly diagnostics: Diagnostic[] | undefined;
  readonly omittedDiagnostics: number;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; diagnostics?: Diagnostic[]; omittedDiagnostics?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PodnetError';
    this.code = code;
    this.hint = opts.hint;
    this.diagnostics = opts.diagnostics;
    this.omittedDiagnostics = opts.omittedDiagnostics ?? 0;
  }

  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.diagnostics ? { diagnostics: this.diagnostics } : {}),
      ...(this.omittedDiagnostics ? { omittedDiagnostics: this.omittedDiagnostics } : {}),
    };
  }
}

export function isPodnetError(e: unknown): e is PodnetError {
  return e instanceof PodnetError;
}

/** Any thrown value as the serializable error shape (for IPC, JSON output). */
export function serializeError(e: unknown): SerializedError {
  if (isPodnetError(e)) return e.toJSON();
  const message = e instanceof Error ? e.message : String(e);
  return { code: ERROR_CODES.INTERNAL, message };
}

export function cancelledError(): PodnetError {
  return new PodnetError(ERROR_CODES.CANCELLED, 'cancelled');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}
