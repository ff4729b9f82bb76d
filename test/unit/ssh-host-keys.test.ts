import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authPlan } from '../../src/engine/drivers/ssh/ssh-auth';
import { fingerprint, keyType } from '../../src/engine/drivers/ssh/host-key';
import { verifyHostKey } from '../../src/engine/drivers/ssh/host-key-policy';
import { KnownHosts, hostPattern } from '../../src/engine/drivers/ssh/known-hosts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drv-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh key pair from ssh-keygen: the public blob, as a server sends it. */
function newKey(name: string, passphrase = ''): { blob: Buffer; file: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', file]);
  return { blob: Buffer.from(readFileSync(`${file}.pub`, 'utf8').split(' ')[1]!, 'base64'), file };
}

describe('host keys', () => {
  it('names a key and its fingerprint exactly as ssh-keygen -l does', () => {
    const { blob, file } = newKey('k');
    expect(keyType(blob)).toBe('ssh-ed25519');
    expect(execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' })).toContain(fingerprint(blob));
  });

  it('writes known hosts OpenSSH can read back ([addr]:port off port 22)', async () => {
    const known = new KnownHosts(join(dir, 'sub', 'known_hosts'));
    const { blob } = newKey('k');
    expect(hostPattern('192.0.2.5', 22)).toBe('192.0.2.5');
    await known.add('192.0.2.5', 2222, blob);
    expect(await known.check('192.0.2.5', 2222, blob)).toEqual({ status: 'known' });
    expect(await known.check('192.0.2.5', 22, blob)).toEqual({ status: 'unknown' });
    expect(execFileSync('ssh-keygen', ['-F', '[192.0.2.5]:2222', '-f', known.file], { encoding: 'utf8' })).toContain('ssh-ed25519');
  });

  it('accepts a new key only with consent, and never a changed one', async () => {
    const known = new KnownHosts(join(dir, 'known_hosts'));
    const who = { host: 'vm1', address: '192.0.2.7', port: 22 };
    const first = newKey('a').blob;
    await expect(verifyHostKey(known, { acceptNew: false }, who, first)).rejects.toMatchObject({ code: 'E_HOST_KEY', message: expect.stringContaining(fingerprint(first)) });
    const asked: string[] = [];
    await expect(verifyHostKey(known, { acceptNew: false, confirm: async (i) => (asked.push(i.fingerprint), false) }, who, first)).rejects.toMatchObject({ code: 'E_HOST_KEY' });
    await verifyHostKey(known, { acceptNew: false, confirm: async (i) => (asked.push(i.fingerprint), true) }, who, first);
    expect(asked).toEqual([fingerprint(first), fingerprint(first)]);
    await verifyHostKey(known, { acceptNew: false }, who, first);
    const second = newKey('b').blob;
    await expect(verifyHostKey(known, { acceptNew: true }, who, second)).rejects.toMatchObject({ code: 'E_HOST_KEY', message: expect.stringMatching(/has CHANGED.*line 1/) });
  });
});

describe('ssh authentication', () => {
  it('offers the agent, then the identity file; a passphrase-protected key is sent to the agent, not asked for', () => {
    const plain = newKey('plain').file;
    const locked = newKey('locked', 'secret phrase').file;
    expect(authPlan({ user: 'u', identityFile: plain }, { SSH_AUTH_SOCK: '/tmp/agent.sock' }).methods.map((m) => m.type)).toEqual(['agent', 'publickey']);
    const p = authPlan({ user: 'u', identityFile: locked }, {});
    expect(p.methods).toEqual([]);
    expect(p.skipped[0]).toMatch(/protected by a passphrase: add it to your agent \(ssh-add /);
    expect(authPlan({ user: 'u', identityFile: '~/nope' }, {}, dir).skipped[0]).toBe(`${dir}/nope: no such file`);
  });
});
