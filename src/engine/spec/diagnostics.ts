// Turning spec issues into located diagnostics, and printing them. What a
// lab file says (a key, a value, its line) is shown with its control
// characters escaped: a file cannot clear the terminal or set the clipboard.
import type { Diagnostic } from '../../shared/errors';
import { printable, printableLine } from '../util/printable';
import { fieldName } from './field-path';
import type { SourceLocator } from './source-locator';
import type { SpecIssue } from './spec-issue';

export function locateIssues(issues: SpecIssue[], file: string, locator: SourceLocator | null): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const { line, column } = locator ? locator.locate(issue.path, { key: issue.atKey ?? false }) : { line: 1, column: 1 };
    const d: Diagnostic = { file, line, column, field: printableLine(fieldName(issue.path)), message: printableLine(issue.message) };
    if (issue.hint) d.hint = printableLine(issue.hint);
    const key = `${d.line}:${d.column}:${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `lab.yaml:12:5: error: … (field network.cidr)` plus the source line, a caret and the hint. */
export function formatDiagnostic(d: Diagnostic, source?: string): string {
  return formatDiagnostics([d], source)[0]!;
}

/** Every diagnostic formatted; the source is split into lines once. `omitted`: problems not listed. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], source?: string, omitted = 0, severity: 'error' | 'warning' = 'error'): string[] {
  const lines = source?.split(/\r?\n/) ?? [];
  const out = diagnostics.map((d) => {
    const text = [`${printableLine(d.file)}:${d.line}:${d.column}: ${severity}: ${printableLine(d.message)} (field ${printableLine(d.field)})`];
    const line = lines[d.line - 1];
    if (line !== undefined && line.trim() !== '') {
      const { excerpt, caret } = excerptAt(line, d.column);
      const gutter = `${String(d.line).padStart(4)} | `;
      text.push(gutter + excerpt, ' '.repeat(gutter.length - 2) + '| ' + ' '.repeat(caret) + '^');
    }
    if (d.hint) text.push(`  hint: ${printable(d.hint)}`);
    return text.join('\n');
  });
  if (omitted > 0) out.push(`… and ${omitted} more problem${omitted > 1 ? 's' : ''} (the first ${diagnostics.length} are listed)`);
  return out;
}

/** At most this much of a source line is shown, around the column. */
const EXCERPT_CHARS = 120;

/** The line (escaped) around `column`, and where the caret goes under it. */
function excerptAt(line: string, column: number): { excerpt: string; caret: number } {
  const at = Math.max(0, column - 1);
  const start = line.length > EXCERPT_CHARS ? Math.max(0, Math.min(at - EXCERPT_CHARS / 2, line.length - EXCERPT_CHARS)) : 0;
  const end = Math.min(line.length, start + EXCERPT_CHARS);
  const before = (start > 0 ? '…' : '') + printableLine(line.slice(start, at));
  return { excerpt: before + printableLine(line.slice(at, end)) + (end < line.length ? '…' : ''), caret: before.length };
}
