// Telling whether a process on this machine is still the one we knew: its
// PID, and (on Linux) the time it started — a PID the kernel hands out again
// to a newer process is not the same process.
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

/** This machine's name, as recorded with builders, locks and owners. */
export const machineName = (): string => hostname();

/** `user@machine`: who owns the labs this process builds. */
export function currentOwner(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? `uid${process.getuid?.() ?? '?'}`;
  }
  return `${user}@${machineName()}`;
}

/** /proc/<pid>/stat's fields after the command name (field 3 onwards); null where there is no /proc or no such process. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** When the process started (clock ticks since boot, /proc/<pid>/stat field 22); null where there is no /proc. */
export function processStartTicks(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** Is this process (on this machine) still running? `startTicks`, when known, tells a reused PID apart. */
export function processAlive(pid: number, startTicks: string | null = null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const fields = statFields(pid);
  // A zombie has ended; it stays in the table until its parent reaps it (and where PID 1 does not reap, for ever).
  if (fields && (fields[0] === 'Z' || fields[0] === 'X')) return false;
  if (startTicks === null) return true;
  const now = fields?.[19] ?? null;
  return now === null || now === startTicks;
}
