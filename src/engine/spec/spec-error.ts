// Lab-file errors, and the text check that comes before any parsing. No
// parser here: reading a lab file's bytes must not load yaml or the schema.
import { ERROR_CODES, type Diagnostic } from '../../shared/errors';
import { PodnetError } from '../errors';
import { MAX_REPORTED_PROBLEMS } from './limits';

/** Every problem of a lab file, the first 50 of them listed (sorted by line), the rest counted. */
export function specError(file: string, diagnostics: Diagnostic[]): PodnetError {
  const first = diagnostics[0];
  const summary = first ? `${first.file}:${first.line}:${first.column}: ${first.message}` : `${file}: invalid lab file`;
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  const omitted = Math.max(0, diagnostics.length - MAX_REPORTED_PROBLEMS);
  return new PodnetError(ERROR_CODES.SPEC, summary + more, { diagnostics: diagnostics.slice(0, MAX_REPORTED_PROBLEMS), ...(omitted ? { omittedDiagnostics: omitted } : {}) });
}

export function singleSpecError(file: string, message: string, hint: string): PodnetError {
  return specError(file, [{ file, line: 1, column: 1, field: '(file)', message, hint }]);
}

/** Checks that bytes are a text file before parsing them. */
export function decodeLabBytes(bytes: Uint8Array, file: string): string {
  if (bytes.length === 0) throw singleSpecError(file, 'the file is empty', 'a lab needs at least `name` and `hosts`; see resources/labs for examples');
  if (bytes.subarray(0, 8192).includes(0)) throw singleSpecError(file, 'this is a binary file, not a YAML lab file', 'pass the path of a .yaml lab file');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw singleSpecError(file, 'the file is not valid UTF-8 text', 'save the lab file as UTF-8');
  }
}
