// A hint's tool block: ```path (from, to) or ```capture (on, iface, filter)
// in YAML — what the app opens pre-filled, and the CLI prints as a command.
import { parse } from 'yaml';
import { z } from 'zod';
import type { HintTool } from '../../shared/exercise';
import type { LabSpec } from '../spec/lab-spec';
import { isIpv4 } from '../ipam/cidr';
import { shellJoin } from '../util/shell-quote';
import { placeholderProblems, targetProblem } from './exercise-validation';

const target = z.string().regex(/^[a-z][a-z0-9-]{0,19}(\/[a-z][a-z0-9-]{0,19})?$/, 'a target is host or host/pod');
const text = z.string().min(1).max(200);

const schemas = {
  path: z.strictObject({ from: target, to: text }),
  capture: z.strictObject({ on: target, iface: z.string().regex(/^[A-Za-z0-9_.@-]{1,15}$/, 'an interface name such as eth0'), filter: text.optional() }),
};

export function parseHintTool(kind: 'path' | 'capture', yaml: string): { tool: HintTool } | { problem: string; hint?: string } {
  let value: unknown;
  try {
    value = parse(yaml);
  } catch (e) {
    return { problem: `YAML syntax error: ${(e as Error).message.split('\n')[0]}` };
  }
  const parsed = schemas[kind].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${issue.path.join('.') || kind}: ${issue.message.replace(/^Invalid input: /, '')}`, hint: kind === 'path' ? 'write from: host1/a and to: host2/b' : 'write on: host1, iface: eth0 and, if you like, filter: udp port 8472' };
  }
  if (kind === 'path') {
    const p = parsed.data as z.infer<typeof schemas.path>;
    return { tool: { panel: 'path', from: p.from, to: p.to } };
  }
  const c = parsed.data as z.infer<typeof schemas.capture>;
  return { tool: { panel: 'capture', on: c.on, iface: c.iface, filter: c.filter ?? null } };
}

/** Targets the tool names that the lab does not have, and bad placeholders. */
export function hintToolProblems(spec: LabSpec | null, tool: HintTool): string[] {
  const targets = tool.panel === 'path' ? [tool.from, ...(isIpv4(tool.to) || tool.to.includes('{{') ? [] : [tool.to])] : [tool.on];
  const strings = tool.panel === 'path' ? [tool.from, tool.to] : [tool.on, tool.iface, tool.filter ?? ''];
  return [...targets.map((t) => targetProblem(spec, t)).filter((p): p is string => p !== null), ...strings.flatMap((x) => placeholderProblems(spec, x))];
}

/** The CLI command that does what the tool shows. */
export function hintToolCommand(lab: string, tool: HintTool): string {
  if (tool.panel === 'path') return shellJoin(['podnet', 'path', lab, tool.from, tool.to]);
  return shellJoin(['podnet', 'capture', lab, tool.on, tool.iface, ...(tool.filter ? ['--filter', tool.filter] : [])]);
}
