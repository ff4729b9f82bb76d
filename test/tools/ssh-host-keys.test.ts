import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authPlan } from '../../src/engine/drivers/ssh/ssh-auth';
import { fingerprint, keyType } from '../../src/engine/drivers/ssh/host-key';
import { verifyHostKey } from '../../src/engine/drivers/ssh/host-key-policy';
import { KnownHosts, hostPattern } from '../../src/engine/drivers/ssh/known-hosts';
import { parseLab } from '../../src/engine/spec/parse-lab';

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

describe('known hosts written by OpenSSH', () => {
  const line = (hosts: string, blob: Buffer, marker = '') => `${marker ? `${marker} ` : ''}${hosts} ${keyType(blob)} ${blob.toString('base64')}\n`;

  it('honours hashed host names (ssh-keygen -H, HashKnownHosts yes), on port 22 and off it', async () => {
    const file = join(dir, 'known_hosts');
    const a = newKey('a').blob;
    const b = newKey('b').blob;
    writeFileSync(file, line('192.0.2.5', a) + line('[192.0.2.6]:2222', b));
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('192.0.2.');
    expect(text).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /m);
    const known = new KnownHosts(file);
    expect(await known.check('192.0.2.5', 22, a)).toEqual({ status: 'known' });
    expect(await known.check('192.0.2.6', 2222, b)).toEqual({ status: 'known' });
    expect(await known.check('192.0.2.6', 22, b)).toEqual({ status: 'unknown' });
    // A hashed entry with another key is a changed key, refused.
    expect(await known.check('192.0.2.5', 22, b)).toMatchObject({ status: 'changed', line: 1 });
    await expect(verifyHostKey(known, { acceptNew: true }, { host: 'vm1', address: '192.0.2.5', port: 22 }, b)).rejects.toThrow(/has CHANGED/);
  });

  it('refuses a @revoked key for any host, even with consent to new keys', async () => {
    const file = join(dir, 'known_hosts');
    const bad = newKey('bad').blob;
    const good = newKey('good').blob;
    writeFileSync(file, `# keys\n${line('*', bad, '@revoked')}${line('192.0.2.7', good)}`);
    const known = new KnownHosts(file);
    expect(await known.check('192.0.2.9', 22, bad)).toEqual({ status: 'revoked', line: 2 });
    expect(await known.check('192.0.2.7', 22, good)).toEqual({ status: 'known' });
    const who = { host: 'vm9', address: '192.0.2.9', port: 22 };
    await expect(verifyHostKey(known, { acceptNew: true }, who, bad)).rejects.toMatchObject({ code: 'E_HOST_KEY', message: expect.stringMatching(/is REVOKED on line 2 of/) });
    expect(readFileSync(file, 'utf8')).not.toContain('192.0.2.9');
  });

  it('reads patterns as OpenSSH does: * and ?, ! excludes, @cert-authority lines are not host keys', async () => {
    const file = join(dir, 'known_hosts');
    const k = newKey('k').blob;
    const ca = newKey('ca').blob;
    writeFileSync(file, line('192.0.2.*,!192.0.2.13', k) + line('[192.0.2.2?]:2222', k) + line('*', ca, '@cert-authority') + line('@bogus', ca));
    const known = new KnownHosts(file);
    expect(await known.check('192.0.2.12', 22, k)).toEqual({ status: 'known' });
    expect(await known.check('192.0.2.13', 22, k)).toEqual({ status: 'unknown' });
    expect(await known.check('192.0.2.21', 2222, k)).toEqual({ status: 'known' });
    expect(await known.check('192.0.2.210', 2222, k)).toEqual({ status: 'unknown' });
    expect(await known.check('198.51.100.1', 22, ca)).toEqual({ status: 'unknown' });
  });
});

describe('ssh authentication', () => {
  it('offers the agent, then the identity file; a passphrase-protected key is sent to the agent, not asked for', async () => {
    const plain = newKey('plain').file;
    const locked = newKey('locked', 'secret phrase').file;
    expect((await authPlan({ host: 'vm1', user: 'u', identityFile: plain }, { SSH_AUTH_SOCK: '/tmp/agent.sock' })).methods.map((m) => m.type)).toEqual(['agent', 'publickey']);
    const p = await authPlan({ host: 'vm1', user: 'u', identityFile: locked }, {});
    expect(p.methods).toEqual([]);
    expect(p.skipped[0]).toMatch(/protected by a passphrase: add it to your agent \(ssh-add /);
    expect((await authPlan({ host: 'vm1', user: 'u', identityFile: '~/nope' }, {}, dir)).skipped[0]).toBe(`${dir}/nope: no such file`);
  });

  it('reads a relative identity file from the lab file\u2019s folder; a lab given as text must name it absolutely', () => {
    const lab = (identityFile: string) => `name: t\ndriver: ssh\nhosts:\n  - name: vm1\n    ssh: { address: 192.0.2.5, identityFile: ${identityFile} }\n`;
    const at = (identityFile: string, baseDir?: string) => parseLab(lab(identityFile), 'lab.yaml', baseDir ? { baseDir } : {}).spec.hosts[0]!.ssh!.identityFile;
    expect(at('keys/id_ed25519', '/home/u/labs')).toBe('/home/u/labs/keys/id_ed25519');
    expect(at('../id', '/home/u/labs')).toBe('/home/u/id');
    expect(at('~/.ssh/id_ed25519', '/home/u/labs')).toBe('~/.ssh/id_ed25519');
    expect(at('/etc/keys/id', '/home/u/labs')).toBe('/etc/keys/id');
    expect(() => at('keys/id')).toThrow(/lab\.yaml:5:46: the relative path keys\/id needs the lab file's folder/);
  });

  it('refuses an identity file that is not a key file, at once and by name: a device, a FIFO, a folder, a huge file, not a key', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const huge = join(dir, 'huge');
    writeFileSync(huge, Buffer.alloc(65 * 1024, 'k'));
    const text = join(dir, 'text');
    writeFileSync(text, 'not a key\n');
    const cases: [string, RegExp][] = [
      ['/dev/zero', /vm1: ssh\.identityFile \/dev\/zero cannot be used: it is a character device, not a regular file/],
      [fifo, /it is a FIFO \(named pipe\), not a regular file/],
      [dir, /it is a folder, not a file/],
      [huge, /it is 65 KiB; at most 64 KiB is read/],
      [text, /it is not a private key/],
    ];
    for (const [identityFile, message] of cases) {
      await expect(authPlan({ host: 'vm1', user: 'u', identityFile }, { SSH_AUTH_SOCK: '/tmp/agent.sock' }), identityFile).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(message) });
    }
  });
});
