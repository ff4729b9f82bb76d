// Which process built a lab (`<machine>:<pid>`): garbage collection spares
// labs whose builder is still running on this machine.
import { hostname } from 'node:os';

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
