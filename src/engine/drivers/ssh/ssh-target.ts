// Which machine a lab host is, and how commands run there: as root
// directly, or through passwordless sudo for any other user.
import { homedir } from 'node:os';
import { shellJoin } from '../../util/shell-quote';
import type { HostSpec, SshSpec } from '../../spec/lab-spec';

export interface SshTarget extends SshSpec {
  /** The lab host this machine is (vm1), for messages. */
  host: string;
}

export function targetOf(h: Pick<HostSpec, 'name' | 'ssh'>): SshTarget {
  if (!h.ssh) throw new Error(`host ${h.name} has no ssh settings`);
  return { host: h.name, ...h.ssh };
}

/** One connection per machine and user, whatever lab uses it. */
export const connectionKey = (t: Pick<SshTarget, 'user' | 'address' | 'port'>) => `${t.user}@${t.address}:${t.port}`;

/** A command line run with root rights: as is for root, else under `sudo -n` (never a password prompt). */
export function asRoot(user: string, argv: readonly string[]): string {
  return shellJoin(user === 'root' ? argv : ['sudo', '-n', '--', ...argv]);
}

/** `~/…` in an identity file path, as OpenSSH reads it. */
export function expandHome(path: string, home = homedir()): string {
  return path === '~' ? home : path.startsWith('~/') ? `${home}/${path.slice(2)}` : path;
}
