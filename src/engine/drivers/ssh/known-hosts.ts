// The known-hosts file Podnet keeps (OpenSSH format, so `ssh-keygen -R` and
// `ssh-keygen -F` work on it): a host's key is accepted if it is listed, a
// new one only with consent, a changed or revoked one never. Lines are read
// as OpenSSH reads them (sshd(8) § SSH_KNOWN_HOSTS FILE FORMAT): hashed host
// names (`|1|salt|hash`, from `ssh-keygen -H` or HashKnownHosts), patterns
// with `*`, `?` and `!`, and `@revoked` keys; `@cert-authority` lines are
// not used (Podnet does not take host certificates).
import { createHmac } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError } from '../../errors';
import { UnreadableFileError, readBoundedFile } from '../../util/read-bounded-file';
import { keyType } from './host-key';

export type KnownHostStatus =
  | { status: 'known' }
  | { status: 'unknown' }
  | { status: 'changed'; line: number; knownType: string }
  | { status: 'revoked'; line: number };

/** Far more than any known-hosts file holds; a larger one is not read. */
export const MAX_KNOWN_HOSTS_BYTES = 16 * 1024 * 1024;

/** How OpenSSH names a host in known_hosts: `addr` on port 22, `[addr]:port` elsewhere. */
export function hostPattern(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

export interface KnownHostsEntry {
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  /** The host field's comma-separated names, patterns or hashes. */
  hosts: string[];
  type: string;
  key: string;
}

export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: KnownHostsEntry['marker'] = null;
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m !== '@revoked' && m !== '@cert-authority') return; // an unknown marker: OpenSSH skips the line too
      marker = m === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [hosts, type, key] = fields;
    if (!hosts || !type || !key) return;
    entries.push({ line: i + 1, marker, hosts: hosts.split(','), type, key });
  });
  return entries;
}

/** `|1|salt|hash`: HMAC-SHA1 of the host name under the salt, both base64. */
function hashedMatch(entry: string, name: string): boolean {
  const [, version, salt, hash] = entry.split('|');
  if (version !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** OpenSSH's pattern match: `*` any run, `?` one character, nothing else special. */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

/** Whether a host field names `name`: a negated pattern that matches excludes the line. */
export function hostFieldMatches(hosts: readonly string[], name: string): boolean {
  let matched = false;
  for (const entry of hosts) {
    if (entry.startsWith('|')) {
      if (hashedMatch(entry, name)) matched = true;
    } else if (entry.startsWith('!')) {
      if (globMatch(entry.slice(1), name)) return false;
    } else if (globMatch(entry, name)) matched = true;
  }
  return matched;
}

export class KnownHosts {
  constructor(readonly file: string) {}

  async check(address: string, port: number, blob: Buffer): Promise<KnownHostStatus> {
    const pattern = hostPattern(address, port);
    const key = blob.toString('base64');
    const entries = parseKnownHosts(await this.text());
    // A revoked key is refused for every host, whatever names its line carries.
    const revoked = entries.find((e) => e.marker === 'revoked' && e.key === key);
    if (revoked) return { status: 'revoked', line: revoked.line };
    const mine = entries.filter((e) => e.marker === null && hostFieldMatches(e.hosts, pattern));
    if (mine.length === 0) return { status: 'unknown' };
    if (mine.some((e) => e.key === key)) return { status: 'known' };
    // Any other key on record for this host means it changed: never accepted silently.
    const first = mine.find((e) => e.type === keyType(blob)) ?? mine[0]!;
    return { status: 'changed', line: first.line, knownType: first.type };
  }

  async add(address: string, port: number, blob: Buffer): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await appendFile(this.file, `${hostPattern(address, port)} ${keyType(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
  }

  private async text(): Promise<string> {
    try {
      return (await readBoundedFile(this.file, MAX_KNOWN_HOSTS_BYTES)).toString('utf8');
    } catch (e) {
      if (e instanceof UnreadableFileError && e.reason === 'missing') return '';
      throw new PodnetError(ERROR_CODES.HOST_KEY, `the known hosts: ${e instanceof Error ? e.message : String(e)}`, { hint: `Podnet keeps the keys of the machines it knows in ${this.file} (OpenSSH format): make it a readable file` });
    }
  }
}
