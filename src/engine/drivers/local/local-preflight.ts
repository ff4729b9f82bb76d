// What the local driver needs on this machine, checked up front so the user
// learns everything missing at once, with the package that brings it.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError } from '../../errors';

const COMMANDS: [command: string, pkg: string][] = [
  ['ip', 'iproute2'],
  ['bridge', 'iproute2'],
  ['ss', 'iproute2'],
  ['iptables', 'iptables'],
  ['iptables-restore', 'iptables'],
  ['iptables-save', 'iptables'],
  ['nsenter', 'util-linux'],
  ['unshare', 'util-linux'],
  ['mountpoint', 'util-linux'],
  ['flock', 'util-linux'],
  ['mount', 'mount'],
  ['socat', 'socat'],
  ['ping', 'iputils-ping'],
];

export function findCommand(cmd: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of [...path.split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return join(dir, cmd);
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Everything missing, as one list of readable items (empty: ready). */
export function localProblems(): string[] {
  if (process.platform !== 'linux') return [`network namespaces (this is ${process.platform}; the local driver needs Linux)`];
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('root (network namespaces, bridges and iptables need it: run with sudo)');
  const missing = COMMANDS.filter(([c]) => !findCommand(c));
  const pkgs = [...new Set(missing.map(([, p]) => p))];
  if (missing.length > 0) problems.push(`${missing.map(([c]) => c).join(', ')} (apt-get install ${pkgs.join(' ')})`);
  let filesystems = '';
  try {
    filesystems = readFileSync('/proc/filesystems', 'utf8');
  } catch {
    /* unreadable: reported below */
  }
  if (!/\boverlay\b/.test(filesystems)) problems.push('the overlay file system (modprobe overlay): each lab host gets its own /etc through it');
  return problems;
}

export function checkLocalPrerequisites(): void {
  const problems = localProblems();
  if (problems.length > 0) {
    throw new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `the local driver cannot run here; missing: ${problems.join('; ')}`, {
      hint: 'fix the above, or use the docker driver (remove `driver: local` from the lab file)',
    });
  }
}
