// Zod issues → SpecIssues with plain-language messages and "did you mean".
import type { z } from 'zod';
import { KNOWN_KEYS } from './lab-schema';
import { MAX_REPORTED_PROBLEMS } from './limits';
import type { FieldPath } from './field-path';
import type { SpecIssue } from './spec-issue';
import { suggest } from './suggest';

/** Which object of the lab file a path points into, to know its keys. */
function objectKind(path: FieldPath): string {
  const p = path.filter((s) => typeof s === 'string');
  const last = p[p.length - 1];
  if (last === undefined) return '';
  if (last === 'hosts') return 'host';
  if (last === 'pods') return 'pod';
  if (p[p.length - 2] === 'namespaces') return 'namespace';
  return last;
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return JSON.stringify(v);
}

type ZodIssue = z.ZodError['issues'][number];

/** The branch of a union that the value has the type of (`hosts: [...]` is the list branch), if exactly one. */
function branchOfType(issue: ZodIssue & { code: 'invalid_union' }): ZodIssue[] | null {
  const wrongType = (issues: ZodIssue[]) => issues.length > 0 && issues.every((i) => i.code === 'invalid_type' && i.path.length === 0);
  const matching = (issue.errors ?? []).filter((branch) => !wrongType(branch));
  return matching.length === 1 ? matching[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as ZodIssue) : null;
}

export function schemaIssues(error: z.ZodError, input: unknown): SpecIssue[] {
  return issuesOf(error.issues, input);
}

function issuesOf(issues: readonly ZodIssue[], input: unknown): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = KNOWN_KEYS[objectKind(path)] ?? [];
        const knownHint = `known keys here: ${known.join(', ')}`;
        issue.keys.forEach((key, k) => {
          // Only the first ones are listed: no need to look for a close key for thousands.
          const close = k < MAX_REPORTED_PROBLEMS ? suggest(key, known) : null;
          out.push({ path: [...path, key], atKey: true, message: `unknown key "${key}"`, hint: close ? `did you mean "${close}"?` : knownHint });
        });
        break;
      }
      case 'invalid_union': {
        const branch = branchOfType(issue);
        if (branch) {
          for (const i of issuesOf(branch, input)) out.push(i);
          break;
        }
        const value = valueAt(input, path);
        if (value === undefined) {
          out.push({ path, message: `missing required field "${String(path[path.length - 1])}"`, hint: unionHint(path) });
          break;
        }
        out.push({ path, message: `${issue.message === 'Invalid input' ? 'unexpected value' : issue.message}: got ${describeValue(value)}`, hint: unionHint(path) });
        break;
      }
      case 'invalid_type': {
        const value = valueAt(input, path);
        if (value === undefined) {
          out.push({ path, message: `missing required field "${String(path[path.length - 1])}"` });
        } else {
          out.push({ path, message: `${issue.message.replace(/^Invalid input: /, '')} (got ${describeValue(value)})` });
        }
        break;
      }
      case 'invalid_value': {
        out.push({ path, message: issue.message.replace(/^Invalid option: /, '') });
        break;
      }
      default: {
        const hint = (issue as { params?: { hint?: string } }).params?.hint;
        out.push(hint ? { path, message: issue.message, hint } : { path, message: issue.message });
      }
    }
  }
  return out;
}

function unionHint(path: FieldPath): string {
  const last = path[path.length - 1];
  if (last === 'hosts') return 'write a count (hosts: 3) or a list of hosts';
  if (last === 'pods') return 'write a count (pods: 2) or a list of pod names';
  return 'see the README for the lab-file fields';
}

/** The value at a path of the lab file as written (undefined when there is none). */
export function valueAt(input: unknown, path: FieldPath): unknown {
  let v: unknown = input;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
