// The first stage of `up`: lab file text → a checked LabSpec, or every
// problem at once as diagnostics with file:line:column (never one at a
// time). Pure: nothing is allocated here — addresses are handed out once,
// later, with the facts of where the lab runs (ipam/allocate-lab.ts).
import { LineCounter, parseDocument } from 'yaml';
import { ERROR_CODES, type Diagnostic } from '../../shared/errors';
import type { DriverKind } from '../../shared/lab';
import { PodnetError } from '../errors';
import { builtinDriverRules } from '../drivers/builtin-drivers';
import { locateIssues } from './diagnostics';
import type { DriverRules } from './driver-traits';
import { applyKubernetes } from './parse-kubernetes';
import { labFileSchema } from './lab-schema';
import type { LabSpec } from './lab-spec';
import { normalizeLab, type SpecOrigins } from './normalize-lab';
import { schemaIssues } from './schema-issues';
import { createSourceLocator, type SourceLocator } from './source-locator';
import { duplicateKeys } from './duplicate-keys';
import { printableLine } from '../util/printable';
import type { SpecIssue } from './spec-issue';
import { labSizeIssue, validateLab } from './validate-lab';
import { resolveIdentityFiles } from './identity-files';
import { yamlBudgetProblem } from './yaml-budget';
import { singleSpecError, specError } from './spec-error';

export interface ParsedLab {
  spec: LabSpec;
  origins: SpecOrigins;
  file: string;
  source: string;
  locator: SourceLocator;
  /** Places a later issue (found against Docker, say) at its line and column. */
  diagnose(issues: SpecIssue[]): Diagnostic[];
}

export interface ParseOptions {
  /** Run the lab on this driver, whatever the file says. */
  driver?: DriverKind;
  /** What checking the file must know about the drivers (default: the built-in drivers'). */
  drivers?: DriverRules;
  /** The lab file's folder: relative paths in it (ssh.identityFile) are relative to it. */
  baseDir?: string;
}

export function parseLab(text: string, file = '<input>', opts: ParseOptions = {}): ParsedLab {
  if (text.trim() === '' || /^(\s*#.*\n?)*\s*$/.test(text)) {
    throw singleSpecError(file, 'the file is empty', 'a lab needs at least `name` and `hosts`; see resources/labs for examples');
  }
  const tooBig = yamlBudgetProblem(text);
  if (tooBig) {
    const { line, column } = positionOf(text, tooBig.offset);
    throw specError(file, [{ file, line, column, field: '(file)', message: tooBig.message, hint: tooBig.hint }]);
  }
  const lineCounter = new LineCounter();
  // Keys are checked for duplicates below, in one pass: yaml's own check compares each key with every earlier one.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw specError(
      file,
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line ?? 1,
        column: e.linePos?.[0].col ?? 1,
        field: '(syntax)',
        message: printableLine(`YAML syntax error: ${e.message.split('\n')[0]}`),
        hint: 'check indentation, colons and quotes on this line',
      })),
    );
  }
  const duplicates = duplicateKeys(doc);
  if (duplicates.length > 0) {
    throw specError(
      file,
      duplicates.map(({ key, offset }) => {
        const { line, col } = lineCounter.linePos(offset);
        return { file, line, column: col, field: '(syntax)', message: printableLine(`duplicate key "${key}"`), hint: 'remove one of the two keys' };
      }),
    );
  }
  const locator = createSourceLocator(doc, lineCounter);
  const diagnose = (issues: SpecIssue[]) => locateIssues(issues, file, locator);
  const input: unknown = doc.toJS({ maxAliasCount: 100 });
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw specError(file, diagnose([{ path: [], message: 'a lab file is a mapping (name: …, hosts: …)', hint: 'see resources/labs for examples' }]));
  }
  const parsed = labFileSchema.safeParse(input);
  if (!parsed.success) throw specError(file, diagnose(schemaIssues(parsed.error, input)));

  const { spec, origins } = normalizeLab(opts.driver ? { ...parsed.data, driver: opts.driver } : parsed.data);
  const tooLarge = labSizeIssue(spec, parsed.data);
  if (tooLarge) throw specError(file, diagnose([tooLarge]));
  const drivers = opts.drivers ?? builtinDriverRules();
  const kubeIssues = applyKubernetes(parsed.data, spec, origins, drivers);
  const issues = [...validateLab(spec, parsed.data, origins, drivers), ...kubeIssues];
  for (const issue of resolveIdentityFiles(spec, origins, opts.baseDir ?? null)) issues.push(issue);
  if (!spec.underlay.subnet) {
    spec.hosts.forEach((h, i) => {
      if (h.address) issues.push({ path: [...origins.hosts[i]!, 'address'], message: `a fixed address needs \`underlay.subnet\``, hint: 'add underlay: { subnet: … } containing this address' });
    });
  }
  if (issues.length > 0) throw specError(file, diagnose(issues));
  return { spec, origins, file, source: text, locator, diagnose };
}

export function labSpecError(parsed: ParsedLab, issues: SpecIssue[]): PodnetError {
  return specError(parsed.file, parsed.diagnose(issues));
}

/** Line and column (1-based) of an offset in `text`. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
