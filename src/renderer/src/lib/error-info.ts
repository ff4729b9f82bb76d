// Errors from the API as the UI shows them: message, hint, and lab-file
// diagnostics with line and column.
import type { Diagnostic, ErrorCode } from '../../../shared/errors';
import type { PodnetApiError } from '../../../shared/ipc';

export interface ErrorInfo {
  code: ErrorCode | 'E_INTERNAL';
  message: string;
  hint?: string;
  diagnostics: Diagnostic[];
  /** Problems beyond the diagnostics listed (at most 50 are). */
  omittedDiagnostics?: number;
}

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error) {
    const api = e as Partial<PodnetApiError>;
    return {
      code: api.code ?? 'E_INTERNAL',
      message: e.message,
      ...(api.hint ? { hint: api.hint } : {}),
      diagnostics: api.diagnostics ?? [],
      ...(api.omittedDiagnostics ? { omittedDiagnostics: api.omittedDiagnostics } : {}),
    };
  }
  return { code: 'E_INTERNAL', message: String(e), diagnostics: [] };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
