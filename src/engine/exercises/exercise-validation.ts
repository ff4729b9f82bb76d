// Cross-checks of an exercise against the lab it runs on: every target of a
// command, check or placeholder names a host, pod or the internet node that
// the lab has; every command line is plain argv.
import type { CheckSpec } from '../../shared/exercise';
import { isIpv4 } from '../ipam/cidr';
import type { LabSpec } from '../spec/lab-spec';
import { CommandLineError, splitCommandLine } from './command-line';
import { literalOf } from './check-label';
import { blankPlaceholders, placeholdersOf, PlaceholderError } from './placeholders';

/** Why `target` is not a node of the lab (null when it is). */
export function targetProblem(spec: LabSpec | null, target: string): string | null {
  if (!spec) return null;
  const [host, pod] = target.split('/');
  if (host === 'internet' && pod === undefined) return spec.internet ? null : `lab ${spec.name} has no internet node`;
  const h = spec.hosts.find((x) => x.name === host);
  if (!h) return `lab ${spec.name} has no host "${host}" (hosts: ${spec.hosts.map((x) => x.name).join(', ')})`;
  if (pod !== undefined && !h.pods.some((p) => p.name === pod)) return `host ${host} has no pod "${pod}" (pods: ${h.pods.map((p) => p.name).join(', ')})`;
  return null;
}

/** Problems of a text that may hold placeholders (each with the column it starts at, 1-based). */
export function placeholderProblems(spec: LabSpec | null, text: string): string[] {
  try {
    return placeholdersOf(text).flatMap((p) => {
      const problem = targetProblem(spec, p.target);
      return problem ? [`{{${p.fn} ${p.target}${p.iface ? ` ${p.iface}` : ''}}}: ${problem}`] : [];
    });
  } catch (e) {
    if (e instanceof PlaceholderError) return [e.message];
    throw e;
  }
}

/** Problems of one command line: shell syntax, placeholders. */
export function commandProblems(spec: LabSpec | null, line: string): { message: string; column: number }[] {
  const out = placeholderProblems(spec, line).map((message) => ({ message, column: 1 }));
  try {
    if (splitCommandLine(blankPlaceholders(line)).length === 0) out.push({ message: 'empty command', column: 1 });
  } catch (e) {
    if (e instanceof CommandLineError) out.push({ message: e.message, column: e.column });
    else throw e;
  }
  return out;
}

/** Targets a check names (ping's `to` only when it is not an address or placeholder). */
function checkTargets(c: CheckSpec): string[] {
  switch (c.kind) {
    case 'ping':
      return [c.from, ...(isIpv4(c.to) || c.to.includes('{{') ? [] : [c.to])];
    case 'capture':
      return [c.on, c.during.ping.from, ...(isIpv4(c.during.ping.to) || c.during.ping.to.includes('{{') ? [] : [c.during.ping.to])];
    case 'interface':
      return [c.on, ...(c.attrs.peer ? [c.attrs.peer.on] : [])];
    default:
      return [c.on];
  }
}

export function checkProblems(spec: LabSpec | null, c: CheckSpec): string[] {
  const strings: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') strings.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(c);
  const out = [...checkTargets(c).map((t) => targetProblem(spec, t)).filter((p): p is string => p !== null), ...strings.flatMap((s) => placeholderProblems(spec, s))];
  if (c.kind === 'command') out.push(...commandProblems(spec, c.run).map((p) => `run: ${p.message}`));
  if (c.kind === 'command' && c.output) {
    try {
      new RegExp(c.output, 'm');
    } catch {
      out.push(`output: /${c.output}/ is not a regular expression`);
    }
    if (c.shows === undefined && literalOf(c.output) === null) out.push(`output: /${c.output}/ is a pattern; say in \`shows\` what it looks like (the check's label a learner reads)`);
  }
  return [...new Set(out)];
}
