// A terminal's shell environment: the prompt says which pod or container it
// is in, and a failing command is followed by its exit code — run in a real
// interactive bash.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellEnv } from '../../src/engine/terminals/shell-env';

describe('terminal shell environment', () => {
  it('names a Kubernetes pod "pod a" and a Docker container by its name alone', () => {
    expect(shellEnv('host1/a', { name: 'a', container: false }).debian_chroot).toBe('pod a');
    expect(shellEnv('host1/c1', { name: 'c1', container: true }).debian_chroot).toBe('c1');
    expect(shellEnv('host1', null).debian_chroot).toBeUndefined();
  });

  it('bash prints [exit N] after a command that fails, nothing after one that succeeds, and keeps $?', () => {
    const r = spawnSync('bash', ['--norc', '-i'], { input: 'true\nsh -c "exit 7"\necho "status=$?"\n', env: { PATH: process.env.PATH, ...shellEnv('host1', null), PS1: '$ ' }, encoding: 'utf8' });
    const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
    expect(out.match(/\[exit \d+\]/g)).toEqual(['[exit 7]']);
    expect(out).toContain('status=7');
  });
});
