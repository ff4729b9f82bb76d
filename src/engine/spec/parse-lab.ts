// Lab file text → a checked LabSpec and its Allocation, or every problem at
// once as diagnostics with file:line:column (never one at a time).
import { LineCounter, parseDocument } from 'yaml';
import { ERROR_CODES, type Diagnostic } from '../../shared/errors';
import type { DriverKind } from '../../shared/lab';
import { PodnetError } from '../errors';
import { allocate, type DiscoveredUnderlay } from '../ipam/allocate';
import type { Allocation } from '../ipam/allocation';
import { labInternalRanges, pickUnderlaySubnet } from '../ipam/underlay-pool';
import { locateIssues } from './diagnostics';
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
import { applyKubernetes } from './parse-kubernetes';
import { labCluster } from '../kube/lab-cluster';

export interface ParsedLab {
  spec: LabSpec;
  origins: SpecOrigins;
  /** The underlay subnet the allocation used (the lab's own or a provisional default). */
  allocation: Allocation;
  file: string;
  source: string;
  locator: SourceLocator;
  /** Places a later issue (found against Docker, say) at its line and column. */
  diagnose(issues: SpecIssue[]): Diagnostic[];
  /** What is allowed but likely not meant (a Service's selector picking no pod), located. */
  warnings: Diagnostic[];
}

export interface ParseOptions {
  /** Subnets already in use (e.g. Docker networks): the default underlay avoids them. */
  takenSubnets?: readonly string[];
  /** Run the lab on this driver, whatever the file says. */
  driver?: DriverKind;
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
  const kubeIssues = applyKubernetes(parsed.data, spec, origins);
  const tooLarge = labSizeIssue(spec, parsed.data);
  if (tooLarge) throw specError(file, diagnose([tooLarge]));
  const issues = [...validateLab(spec, parsed.data, origins), ...kubeIssues];
  for (const issue of resolveIdentityFiles(spec, origins, opts.baseDir ?? null)) issues.push(issue);
  const underlay = spec.driver === 'ssh' ? null : (spec.underlay.subnet ?? pickUnderlaySubnet([...(opts.takenSubnets ?? []), ...labInternalRanges(spec)]));
  if (spec.driver !== 'ssh' && !underlay) issues.push({ path: ['underlay'], message: 'no free underlay subnet left in 198.18.0.0/15', hint: 'set underlay.subnet' });
  if (!spec.underlay.subnet) {
    spec.hosts.forEach((h, i) => {
      if (h.address) issues.push({ path: [...origins.hosts[i]!, 'address'], message: `a fixed address needs \`underlay.subnet\``, hint: 'add underlay: { subnet: … } containing this address' });
    });
  }
  const { allocation, issues: ipamIssues } = allocate(spec, { underlaySubnet: underlay, origins });
  for (const issue of ipamIssues) issues.push(issue);
  const kube = issues.length === 0 ? labCluster(spec, allocation) : null;
  for (const issue of kube?.issues ?? []) if (issue.severity === 'error') issues.push(issue);
  if (issues.length > 0) throw specError(file, diagnose(issues));
  const warnings = diagnose((kube?.issues ?? []).filter((i) => i.severity === 'warning'));
  return { spec, origins, allocation, file, source: text, locator, diagnose, warnings };
}

/**
 * The same lab allocated again for where it runs: link names as the driver
 * names them, and (real machines) the underlay addresses found on them.
 * Problems only found now (a machine's address inside the cluster CIDR) are
 * reported at their place in the lab file.
 */
export function reallocateLab(parsed: ParsedLab, opts: { discovered?: ReadonlyMap<string, DiscoveredUnderlay>; linkName?: (base: string) => string }): ParsedLab {
  const { allocation, issues } = allocate(parsed.spec, {
    underlaySubnet: parsed.allocation.underlay.subnet,
    origins: parsed.origins,
    ...(opts.discovered ? { discovered: opts.discovered } : {}),
    ...(opts.linkName ? { linkName: opts.linkName } : {}),
  });
  if (issues.length > 0) throw specError(parsed.file, parsed.diagnose(issues));
  return { ...parsed, allocation };
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
