// A lab file is bounded in every form: hosts and pods as counts or lists,
// the lab's pods in total, the description, the YAML itself (values,
// nesting); at most 50 problems are listed, the rest counted; and what a
// file says is never printed with its control characters.
import { describe, expect, it } from 'vitest';
import { PodnetError } from '../../src/engine/errors';
import { formatDiagnostics } from '../../src/engine/spec/diagnostics';
import { parseLab } from '../../src/engine/spec/parse-lab';
import { labYaml } from '../helpers/lab-text';

function rejection(text: string): PodnetError {
  try {
    parseLab(text, 'lab.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(PodnetError);
    expect((e as PodnetError).code).toBe('E_SPEC');
    return e as PodnetError;
  }
  throw new Error('expected the lab to be rejected');
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe('lab size limits', () => {
  it('caps hosts as a count and as a list, with one problem each', () => {
    for (const text of [labYaml(['name: t', 'hosts: 201']), labYaml(['name: t', `hosts: [${names('h', 201).join(', ')}]`])]) {
      const e = rejection(text);
      expect(e.diagnostics).toEqual([expect.objectContaining({ line: 2, column: 8, field: 'hosts', message: 'at most 200 hosts' })]);
    }
  });

  it('caps pods per host as a count and as a list, top-level and per host', () => {
    const list = `[${names('p', 251).join(', ')}]`;
    expect(rejection(labYaml(['name: t', 'hosts: 1', `pods: ${list}`])).diagnostics).toEqual([expect.objectContaining({ field: 'pods', message: 'at most 250 pods on a host' })]);
    expect(rejection(labYaml(['name: t', 'hosts:', '  - name: h1', `    pods: ${list}`])).diagnostics).toEqual([
      expect.objectContaining({ line: 4, column: 11, field: 'hosts[0].pods', message: 'at most 250 pods on a host' }),
    ]);
    expect(rejection(labYaml(['name: t', 'hosts: 1', 'pods: 251'])).diagnostics?.[0]?.message).toBe('at most 250 pods');
  });

  it('caps the pods of the whole lab, before allocating addresses for them', () => {
    const e = rejection(labYaml(['name: t', 'hosts: 200', 'pods: 250']));
    expect(e.diagnostics).toEqual([expect.objectContaining({ line: 3, field: 'pods', message: 'the lab has 50000 pods; at most 1000 fit in one lab' })]);
    expect(() => parseLab(labYaml(['name: t', 'hosts: 200', 'pods: 5']), 'lab.yaml')).not.toThrow();
  });

  it('caps the description and the published ports', () => {
    expect(rejection(labYaml(['name: t', `description: ${'x'.repeat(501)}`, 'hosts: 1'])).diagnostics?.[0]?.message).toMatch(/at most 500 characters/);
    const publish = Array.from({ length: 501 }, (_, i) => `  - { host: host1, port: ${1000 + i}, to: pod1 }`);
    expect(rejection(labYaml(['name: t', 'hosts: 1', 'pods: 1', 'publish:', ...publish])).diagnostics?.[0]?.message).toBe('at most 500 published ports');
  });

  it('refuses a file of more YAML values than any lab has, at the place it is exceeded', () => {
    const e = rejection(labYaml(['name: t', 'hosts:', ...names('- h', 20_000).map((h) => `  ${h}`)]));
    expect(e.diagnostics).toEqual([expect.objectContaining({ line: 20_000, message: 'the file has more than 20,000 values' })]);
  });

  it('refuses brackets nested deeper than any lab needs, and lines indented too far (yaml would give up on its stack)', () => {
    expect(rejection(labYaml(['name: t', `hosts: ${'['.repeat(100_000)}${']'.repeat(100_000)}`])).diagnostics?.[0]?.message).toBe('brackets are nested more than 64 deep');
    expect(rejection(labYaml(['name: t', 'hosts:', `${' '.repeat(200)}- a`])).diagnostics?.[0]?.message).toBe('a line is indented more than 128 columns');
  });
});

describe('many problems', () => {
  it('lists the first 50 problems by line and counts the rest', () => {
    const e = rejection(labYaml(['name: t', 'hosts: 1', ...names('unknown', 5000).map((k) => `${k}: 1`)]));
    expect(e.diagnostics).toHaveLength(50);
    expect(e.omittedDiagnostics).toBe(4950);
    expect(e.diagnostics!.map((d) => d.line)).toEqual(Array.from({ length: 50 }, (_, i) => i + 3));
    expect(e.message).toBe('lab.yaml:3:1: unknown key "unknown1" (and 4999 more)');
    expect(e.toJSON()).toMatchObject({ omittedDiagnostics: 4950 });
    const printed = formatDiagnostics(e.diagnostics!, undefined, e.omittedDiagnostics);
    expect(printed.at(-1)).toBe('… and 4950 more problems (the first 50 are listed)');
  });

  it('finds duplicate keys (in one pass) with their place', () => {
    const e = rejection(labYaml(['name: t', 'hosts: 1', 'network:', '  mode: pod-cidr', '  mode: docker0']));
    expect(e.diagnostics).toEqual([expect.objectContaining({ line: 5, column: 3, message: 'duplicate key "mode"', hint: 'remove one of the two keys' })]);
  });
});

describe('control characters in what a file says', () => {
  const ESC = '\x1b';

  it('are escaped in the diagnostics and in the printed source line', () => {
    const key = `"${ESC}]52;c;ZWNobyBoaQ==\\a${ESC}[2J"`;
    const text = labYaml(['name: t', 'hosts: 1', `${key}: 1`]).replace('\\a', '\x07');
    const e = rejection(text);
    const d = e.diagnostics![0]!;
    expect(d.message).toBe('unknown key "\\x1b]52;c;ZWNobyBoaQ==\\x07\\x1b[2J"');
    expect(d.field).not.toContain(ESC);
    const printed = formatDiagnostics(e.diagnostics!, text).join('\n');
    expect(printed).toContain('\\x1b]52;c;ZWNobyBoaQ==\\x07\\x1b[2J');
    expect(printed).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('in a YAML syntax error and a lease key too, and the right-to-left override', () => {
    const syntax = rejection(labYaml(['name: t', `hosts: [a, "${ESC}[2J`]));
    expect(formatDiagnostics(syntax.diagnostics!, 'x').join('\n')).not.toContain(ESC);
    const lease = rejection(labYaml(['name: t', 'hosts: 1', 'network:', '  leases:', `    "h\u202e${ESC}[31m": 10.244.1.0/24`]));
    const printed = formatDiagnostics(lease.diagnostics!, 'x').join('\n');
    expect(printed).toContain('h\\u202e\\x1b[31m');
    expect(printed).not.toMatch(/[\x1b\u202e]/);
  });

  it('shows a window of a very long line, not all of it', () => {
    const text = labYaml(['name: t', `hosts: 1 ${'#'.repeat(100_000)}`, `bogus: 1`]);
    const longLine = labYaml(['name: t', `hosts: [${'a, '.repeat(30_000)}"${ESC}"]`]);
    for (const t of [text, longLine]) {
      const printed = formatDiagnostics(rejection(t).diagnostics!, t).join('\n');
      expect(printed.length).toBeLessThan(1000);
    }
  });
});
