// The real `podnet up` on inputs that are not lab files: a device, a FIFO,
// a folder, a file too large, a megabyte of unknown keys, control
// characters. Each is refused as bad input (exit 2) at once, with the
// reason, a bounded report, and nothing raw on the terminal. Nothing here
// reaches Docker: the file is refused before.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { podnet } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'podnet-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function timedUp(file: string): Promise<{ code: number | null; stderr: string; stdout: string; ms: number }> {
  const started = performance.now();
  // Killed after 10 s: the old reader of /dev/zero grew until the machine ran out of memory.
  const r = await podnet(['up', '--dry-run', file], {}, { killAfterMs: 10_000 });
  return { ...r, ms: performance.now() - started };
}

describe('podnet up refuses what is not a lab file, at once', () => {
  it('a device (/dev/zero): exit 2 with the reason, within 2 s (it used to read until memory ran out)', async () => {
    const r = await timedUp('/dev/zero');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read /dev/zero: it is a character device, not a regular file');
    expect(r.ms).toBeLessThan(2000);
  });

  it('a FIFO: exit 2 with the reason, within 2 s (it used to wait for a writer for ever)', async () => {
    const fifo = join(dir, 'lab.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await timedUp(fifo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read ${fifo}: it is a FIFO (named pipe), not a regular file`);
    expect(r.ms).toBeLessThan(2000);
  });

  it('a folder, and a file over 1 MiB: exit 2 with the reason', async () => {
    const folder = await timedUp(dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('it is a folder, not a file');
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `name: t\nhosts: 1\n#${'x'.repeat(1024 * 1024)}\n`);
    const r = await timedUp(big);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read ${big}: it is 1.0 MiB; at most 1 MiB is read`);
  });

  it('a 1 MiB file of unknown keys: refused within 2 s, at most 50 problems listed', async () => {
    const file = join(dir, 'unknown-keys.yaml');
    const lines = ['name: t', 'hosts: 1'];
    for (let i = 0, size = 0; size < 1024 * 1024 - 64; i++) {
      const line = `unknown-key-${i}: ${i}`;
      lines.push(line);
      size += line.length + 1;
    }
    writeFileSync(file, lines.join('\n') + '\n');
    const r = await timedUp(file);
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(2000);
    const listed = r.stderr.match(/^\S+:\d+:\d+: error: /gm) ?? [];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThanOrEqual(50);
    expect(r.stderr).toMatch(/nothing was created\.\n$/);
  });

  it('200 KB of unknown keys: the first 50 listed by line, the rest counted', async () => {
    const file = join(dir, 'some-unknown-keys.yaml');
    const lines = ['name: t', 'hosts: 1', ...Array.from({ length: 9000 }, (_, i) => `unknown-key-${i}: ${i}`)];
    writeFileSync(file, lines.join('\n') + '\n');
    const r = await timedUp(file);
    expect(r.code).toBe(2);
    expect(r.stderr.match(/^\S+:\d+:\d+: error: unknown key/gm)).toHaveLength(50);
    expect(r.stderr).toContain('… and 8950 more problems (the first 50 are listed)');
    expect(r.stderr).toContain(`9000 problems in ${file}; nothing was created.`);
  });

  it('control characters in the file reach the terminal escaped, never raw', async () => {
    const file = join(dir, 'escape.yaml');
    writeFileSync(file, 'name: t\nhosts: 1\n"\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J": 1\n');
    const r = await timedUp(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown key "\\x1b]52;c;ZWNobyBoaQ==\\x07\\x1b[2J"');
    expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    const named = await podnet(['down', '\x1b[2Jlab']);
    expect(named.stdout + named.stderr).toContain('\\x1b[2Jlab');
    expect(named.stdout + named.stderr).not.toContain('\x1b');
  });
});
