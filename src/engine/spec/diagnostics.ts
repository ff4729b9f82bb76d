// Turning spec issues into located diagnostics, and printing them.
import type { Diagnostic } from '../../shared/errors';
import { fieldName } from './field-path';
import type { SourceLocator } from './source-locator';
import type { SpecIssue } from './spec-issue';

export function locateIssues(issues: SpecIssue[], file: string, locator: SourceLocator | null): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const { line, column } = locator ? locator.locate(issue.path, { key: issue.atKey ?? false }) : { line: 1, column: 1 };
    const d: Diagnostic = { file, line, column, field: fieldName(issue.path), message: issue.message };
    if (issue.hint) d.hint = issue.hint;
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
  const lines = [`${d.file}:${d.line}:${d.column}: error: ${d.message} (field ${d.field})`];
  const text = source?.split(/\r?\n/)[d.line - 1];
  if (text !== undefined && text.trim() !== '') {
    const gutter = `${String(d.line).padStart(4)} | `;
    lines.push(gutter + text, ' '.repeat(gutter.length - 2) + '| ' + ' '.repeat(Math.max(0, d.column - 1)) + '^');
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}
