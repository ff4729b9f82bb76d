// Which process built a lab (`<machine>:<pid>`): garbage collection spares
// labs whose builder is still running on this machine.
import { hostname, userInfo } from 'node:os';

export function currentBuilder(): string {
  return `${hostname()}:${process.pid}`;
}

/** Is the process that built a lab still running on this machine? */
export function builderAlive(builder: string): boolean {
  const [machine, pidText] = builder.split(':');
  const pid = Number(pidText);
  if (machine !== hostname() || !Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who starts a lab: `<user>@<machine>` (shown beside it, so a shared engine's labs say whose they are). */
export function currentOwner(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = `uid${process.getuid?.() ?? '?'}`;
  }
  return `${user}@${hostname()}`;
}
