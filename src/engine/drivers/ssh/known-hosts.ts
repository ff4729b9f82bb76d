// The known-hosts file Podnet keeps (OpenSSH format, so `ssh-keygen -R` and
// `ssh-keygen -F` work on it): a host's key is accepted if it is listed, a
// new one only with consent, a changed one never.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { keyType } from './host-key';

export type KnownHostStatus = { status: 'known' } | { status: 'unknown' } | { status: 'changed'; line: number; knownType: string };

/** How OpenSSH names a host in known_hosts: `addr` on port 22, `[addr]:port` elsewhere. */
export function hostPattern(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

interface Entry {
  line: number;
  hosts: string[];
  type: string;
  key: string;
}

export function parseKnownHosts(text: string): Entry[] {
  const entries: Entry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('@')) return;
    const [hosts, type, key] = line.split(/\s+/);
    if (!hosts || !type || !key) return;
    entries.push({ line: i + 1, hosts: hosts.split(','), type, key });
  });
  return entries;
}

export class KnownHosts {
  constructor(readonly file: string) {}

  async check(address: string, port: number, blob: Buffer): Promise<KnownHostStatus> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    const pattern = hostPattern(address, port);
    const mine = parseKnownHosts(text).filter((e) => e.hosts.includes(pattern));
    if (mine.length === 0) return { status: 'unknown' };
    const key = blob.toString('base64');
    if (mine.some((e) => e.key === key)) return { status: 'known' };
    // Any other key on record for this host means it changed: never accepted silently.
    const first = mine.find((e) => e.type === keyType(blob)) ?? mine[0]!;
    return { status: 'changed', line: first.line, knownType: first.type };
  }

  async add(address: string, port: number, blob: Buffer): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await appendFile(this.file, `${hostPattern(address, port)} ${keyType(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
  }
}
