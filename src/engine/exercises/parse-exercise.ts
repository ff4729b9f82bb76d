// An exercise file (Markdown) → Exercise, or every problem at once as
// diagnostics with file:line:column.
//
//   ---                                  front matter: id, title, lab, minutes
//   ---
//   Intro prose…
//   ## A step's title                    each level-2 heading starts a step
//   Prose…
//   ```try host1                         commands to try on a target (`fails`: meant to fail;
//                                        `waits`: runs until traffic comes, like tcpdump)
//   ```solution host1/a                  the change the step asks for (its check fails until made)
//   ```check                             YAML: one check or a list (see check-schema.ts)
//   > Blockquotes are hints. A hint may hold one ```path or ```capture block
//   > (YAML: from/to, or on/iface/filter): the app opens that panel pre-filled.
//   ## On a real cluster                 after the last step: the closing box (no check)
import type { Blockquote, Code, Heading, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { toString } from 'mdast-util-to-string';
import { frontmatter } from 'micromark-extension-frontmatter';
import { LineCounter, parseDocument } from 'yaml';
import { ERROR_CODES, type Diagnostic } from '../../shared/errors';
import type { CheckSpec, CommandBlock, Exercise, ExerciseStep, Hint, StepBlock } from '../../shared/exercise';
import { PodnetError } from '../errors';
import type { LabSpec } from '../spec/lab-spec';
import { fieldName } from '../spec/field-path';
import { createSourceLocator } from '../spec/source-locator';
import { checkLabel } from './check-label';
import { parseChecks } from './check-schema';
import { checkProblems, commandProblems, targetProblem } from './exercise-validation';
import { frontMatterSchema, type FrontMatter } from './front-matter';
import { hintToolProblems, parseHintTool } from './hint-tool';

/** The heading of the closing box ("On a real cluster", "On a real Docker host"). */
const REAL_WORLD = /^On a real /i;

const TARGET = /^[a-z][a-z0-9-]{0,19}(\/[a-z][a-z0-9-]{0,19})?$/;

interface Ctx {
  file: string;
  text: string;
  spec: LabSpec | null;
  diagnostics: Diagnostic[];
}

function report(ctx: Ctx, line: number, column: number, field: string, message: string, hint?: string): void {
  ctx.diagnostics.push({ file: ctx.file, line, column, field, message, ...(hint ? { hint } : {}) });
}

const startOf = (n: { position?: { start: { line: number; column: number } } }) => n.position?.start ?? { line: 1, column: 1 };
const slice = (ctx: Ctx, first: RootContent, last: RootContent) => ctx.text.slice(first.position!.start.offset, last.position!.end.offset).trim();

/** The front matter, and where each of its fields is (file line and column). */
function parseFrontMatter(ctx: Ctx, tree: Root): { meta: FrontMatter | null; at(field: string): { line: number; column: number } } {
  const node = tree.children[0];
  if (node?.type !== 'yaml') {
    report(ctx, 1, 1, '(front matter)', 'an exercise starts with front matter', 'put ---, then id, title, lab and minutes, then --- at the top');
    return { meta: null, at: () => ({ line: 1, column: 1 }) };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(node.value, { lineCounter });
  const base = startOf(node).line; // the opening --- line
  const locator = createSourceLocator(doc, lineCounter);
  const at = (path: (string | number)[], key = false) => {
    const p = locator.locate(path, { key });
    return { line: base + p.line, column: p.column };
  };
  if (doc.errors.length) {
    for (const e of doc.errors) report(ctx, base + (e.linePos?.[0].line ?? 1), e.linePos?.[0].col ?? 1, '(front matter)', `YAML syntax error: ${e.message.split('\n')[0]}`);
    return { meta: null, at: (f) => at([f]) };
  }
  const parsed = frontMatterSchema.safeParse(doc.toJS());
  if (parsed.success) return { meta: parsed.data, at: (f) => at([f]) };
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const p = at(path, issue.code === 'unrecognized_keys');
    report(ctx, p.line, p.column, fieldName(path), issue.message.replace(/^Invalid input: /, ''), 'front matter needs id, title, lab, minutes');
  }
  return { meta: null, at: (f) => at([f]) };
}

function commandBlock(ctx: Ctx, node: Code, step: number): CommandBlock | null {
  const role = node.lang as 'try' | 'solution';
  const [target, ...flags] = (node.meta ?? '').trim().split(/\s+/).filter(Boolean);
  const at = startOf(node);
  const field = `step ${step} ${role}`;
  if (!target || !TARGET.test(target)) {
    report(ctx, at.line, at.column, field, `\`\`\`${role} needs a target`, `write \`\`\`${role} host1 or \`\`\`${role} host1/a`);
    return null;
  }
  const problem = targetProblem(ctx.spec, target);
  if (problem) report(ctx, at.line, at.column, field, problem);
  const unknown = flags.filter((f) => f !== 'fails' && f !== 'waits');
  if (unknown.length) report(ctx, at.line, at.column, field, `unknown flag "${unknown[0]}"`, 'flags: `fails` (the commands are meant to fail), `waits` (they run until traffic comes, like tcpdump)');
  if (role === 'solution' && flags.length) report(ctx, at.line, at.column, field, 'a solution takes no flags: it must simply work');
  const commands: string[] = [];
  node.value.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    for (const p of commandProblems(ctx.spec, line)) report(ctx, at.line + 1 + i, p.column + raw.indexOf(line), field, p.message);
    commands.push(line);
  });
  if (commands.length === 0) report(ctx, at.line, at.column, field, `the \`\`\`${role} block has no command`);
  return { type: 'commands', role, target, commands, expectFailure: flags.includes('fails'), waits: flags.includes('waits') };
}

/** The checks of a block (a block whose checks are all wrong still counts as the step's check block). */
function checkBlock(ctx: Ctx, node: Code, step: number): CheckSpec[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(node.value, { lineCounter });
  const base = startOf(node).line;
  const field = `step ${step} check`;
  if (doc.errors.length) {
    for (const e of doc.errors) report(ctx, base + (e.linePos?.[0].line ?? 1), e.linePos?.[0].col ?? 1, field, `YAML syntax error: ${e.message.split('\n')[0]}`);
    return [];
  }
  const locator = createSourceLocator(doc, lineCounter);
  const { checks, issues } = parseChecks(doc.toJS());
  for (const issue of issues) {
    const at = locator.locate(issue.path, { key: issue.atKey ?? false });
    report(ctx, base + at.line, at.column, `${field} ${fieldName(issue.path)}`, issue.message, issue.hint);
  }
  checks.forEach((c) => {
    for (const p of checkProblems(ctx.spec, c)) report(ctx, base + 1, 1, field, p);
  });
  return checks;
}

const unquote = (text: string) =>
  text
    .split('\n')
    .map((l) => l.replace(/^\s*>\s?/, ''))
    .join('\n');

/** A hint: its Markdown, and the tool block it may hold. */
function hint(ctx: Ctx, node: Blockquote, step: number): Hint {
  const tools = node.children.filter((c): c is Code => c.type === 'code' && (c.lang === 'path' || c.lang === 'capture'));
  const rest = node.children.filter((c) => !tools.includes(c as Code));
  const field = `step ${step} hint`;
  if (tools.length > 1) report(ctx, startOf(tools[1]!).line, startOf(tools[1]!).column, field, 'a hint opens at most one tool', 'split it into two hints');
  let tool: Hint['tool'] = null;
  const block = tools[0];
  if (block) {
    const at = startOf(block);
    const parsed = parseHintTool(block.lang as 'path' | 'capture', block.value);
    if ('problem' in parsed) report(ctx, at.line + 1, at.column, `${field} ${block.lang}`, parsed.problem, parsed.hint);
    else {
      tool = parsed.tool;
      for (const p of hintToolProblems(ctx.spec, tool)) report(ctx, at.line + 1, at.column, `${field} ${block.lang}`, p);
    }
  }
  const first = rest[0];
  const last = rest[rest.length - 1];
  const markdown = first && last
    ? unquote(slice(ctx, first, last))
        .replace(/^\*\*Hint:?\*\*:?\s*|^Hint:\s*/i, '')
        .trim()
    : '';
  return { markdown, tool };
}

function parseStep(ctx: Ctx, heading: Heading, nodes: RootContent[], number: number): ExerciseStep {
  const blocks: StepBlock[] = [];
  const hints: Hint[] = [];
  const checks: CheckSpec[] = [];
  let checkBlocks = 0;
  let prose: RootContent[] = [];
  const flushProse = () => {
    if (prose.length) blocks.push({ type: 'prose', markdown: slice(ctx, prose[0]!, prose[prose.length - 1]!) });
    prose = [];
  };
  for (const node of nodes) {
    if (node.type === 'code' && (node.lang === 'try' || node.lang === 'solution')) {
      flushProse();
      const block = commandBlock(ctx, node, number);
      if (block) blocks.push(block);
    } else if (node.type === 'code' && node.lang === 'check') {
      checkBlocks++;
      checks.push(...checkBlock(ctx, node, number));
    } else if (node.type === 'blockquote') {
      hints.push(hint(ctx, node, number));
    } else {
      prose.push(node);
    }
  }
  flushProse();
  const at = startOf(heading);
  if (checkBlocks === 0) report(ctx, at.line, at.column, `step ${number}`, 'a step needs a ```check block', 'every step is checked against the real state of the lab');
  return {
    number,
    title: toString(heading).trim(),
    blocks,
    hints,
    checks,
    checkLabels: checks.map(checkLabel),
    changes: blocks.some((b) => b.type === 'commands' && b.role === 'solution'),
  };
}

/**
 * `number`: the exercise's place in the curriculum. `labSpec(name)`: the
 * built-in lab of that name (undefined: there is none), to check targets against.
 */
export function parseExercise(text: string, file: string, number: number, labSpec: (lab: string) => LabSpec | undefined): Exercise {
  const ctx: Ctx = { file, text, spec: null, diagnostics: [] };
  const tree = fromMarkdown(text, { extensions: [frontmatter(['yaml'])], mdastExtensions: [frontmatterFromMarkdown(['yaml'])] });
  const { meta, at } = parseFrontMatter(ctx, tree);
  if (meta) {
    const spec = labSpec(meta.lab);
    if (spec) ctx.spec = spec;
    else report(ctx, at('lab').line, at('lab').column, 'lab', `there is no built-in lab named "${meta.lab}"`, 'use the name of a lab in resources/labs');
  }

  const all = tree.children.filter((n) => n.type !== 'yaml');
  const sections = all.map((n, i) => (n.type === 'heading' && n.depth === 2 ? i : -1)).filter((i) => i >= 0);
  // The closing box: a last section titled "On a real …".
  const outroAt = sections.find((i) => REAL_WORLD.test(toString(all[i]!).trim()));
  if (outroAt !== undefined && outroAt !== sections[sections.length - 1]) {
    const at = startOf(all[outroAt]!);
    report(ctx, at.line, at.column, '(steps)', `"${toString(all[outroAt]!).trim()}" closes the exercise: it comes after the last step`);
  }
  const body = outroAt === undefined ? all : all.slice(0, outroAt);
  const headingAt = sections.filter((i) => i < body.length);
  const introNodes = body.slice(0, headingAt[0] ?? body.length).filter((n) => !(n.type === 'heading' && n.depth === 1));
  const steps = headingAt.map((start, k) => parseStep(ctx, body[start] as Heading, body.slice(start + 1, headingAt[k + 1] ?? body.length), k + 1));
  const outro = outroAt === undefined ? [] : all.slice(outroAt + 1);
  const realWorld = outroAt === undefined ? null : { title: toString(all[outroAt]!).trim(), markdown: outro.length ? slice(ctx, outro[0]!, outro[outro.length - 1]!) : '' };
  if (steps.length === 0) report(ctx, 1, 1, '(steps)', 'an exercise needs at least one step', 'start each step with a "## " heading');

  if (ctx.diagnostics.length > 0 || !meta) {
    const d = ctx.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
    const first = d[0]!;
    throw new PodnetError(ERROR_CODES.SPEC, `${first.file}:${first.line}:${first.column}: ${first.message}${d.length > 1 ? ` (and ${d.length - 1} more)` : ''}`, { diagnostics: d });
  }
  return {
    id: meta.id,
    number,
    title: meta.title,
    lab: meta.lab,
    minutes: meta.minutes,
    steps: steps.length,
    intro: introNodes.length ? slice(ctx, introNodes[0]!, introNodes[introNodes.length - 1]!) : '',
    realWorld,
    exerciseSteps: steps,
    resolvedFor: null,
  };
}
