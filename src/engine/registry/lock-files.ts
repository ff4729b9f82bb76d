// Cross-process locks between the processes of one user on one machine —
// the CLI, the desktop app, `podnet serve` — as files in the user's state
// dir, which all of them use. A lock is taken by link(2)-ing a complete file
// into place: atomic, failing when the lock exists, and never seen half
// written. The file names its process (PID and start time, machine): a lock
// whose process is gone is stale and is taken over — by one process only,
// the one that makes the reap marker of that owner (O_EXCL).
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machineName, processAlive, processStartTicks } from '../util/process-identity';

export interface LockOwner {
  pid: number;
  machine: string;
  /** The process's start time (see process-identity.ts); null where unknown. */
  startTicks: string | null;
  /** Unique per taking: tells this holder from a later one. */
  token: string;
  since: string;
  /** What the holder is doing (shown in messages), or the claimed value. */
  what: string;
}

export interface HeldLock {
  readonly owner: LockOwner;
  /** Gives the lock up (only if it is still this holder's). */
  release(): Promise<void>;
}

/** Names are made of these only (lab names, engine keys, encoded subnets). */
const NAME = /^[a-z0-9][a-z0-9._-]{0,120}$/;
const REAP_MARKERS_KEPT_MS = 60_000;

export function isLockHeld(r: HeldLock | LockOwner): r is HeldLock {
  return 'release' in r;
}

/** Is the lock's process still running? One on another machine (a shared home) is taken to be. */
export function ownerAlive(owner: LockOwner): boolean {
  return owner.machine !== machineName() || processAlive(owner.pid, owner.startTicks);
}

export class LockFiles {
  constructor(private readonly dir: string) {}

  /** Takes the lock, or returns the live process that holds it. */
  async tryLock(name: string, what: string): Promise<HeldLock | LockOwner> {
    if (!NAME.test(name)) throw new Error(`not a lock name: ${name}`);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(name);
    const me: LockOwner = { pid: process.pid, machine: machineName(), startTicks: processStartTicks(process.pid), token: randomBytes(8).toString('hex'), since: new Date().toISOString(), what };
    const tmp = `${file}.${me.token}.tmp`;
    await writeFile(tmp, JSON.stringify(me) + '\n', { mode: 0o600 });
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          await link(tmp, file);
          void this.forgetReapMarkers(name);
          return { owner: me, release: () => this.release(file, me.token) };
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const held = await readOwner(file);
        if (held === 'gone') continue;
        if (held !== 'unreadable' && ownerAlive(held)) return held;
        const staleOwner = held === 'unreadable' ? await fileIdentity(file) : held.token;
        if (staleOwner) await this.reap(file, staleOwner);
      }
      throw new Error(`could not take the lock ${file}: it keeps changing hands`);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Takes the lock, waiting up to `waitMs` while a live process holds it; then returns that process. */
  async lock(name: string, what: string, waitMs: number): Promise<HeldLock | LockOwner> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const r = await this.tryLock(name, what);
      if (isLockHeld(r) || Date.now() >= deadline) return r;
      await sleep(25 + Math.random() * 25);
    }
  }

  /** The live holder of a lock, or null. */
  async holder(name: string): Promise<LockOwner | null> {
    const held = await readOwner(this.file(name));
    return typeof held === 'object' && ownerAlive(held) ? held : null;
  }

  /** Every live lock whose name starts with `prefix`. */
  async held(prefix: string): Promise<{ name: string; owner: LockOwner }[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((f) => f.startsWith(prefix) && f.endsWith('.lock')).map((f) => f.slice(0, -'.lock'.length));
    const owners = await Promise.all(names.map(async (name) => ({ name, owner: await this.holder(name) })));
    return owners.filter((o): o is { name: string; owner: LockOwner } => o.owner !== null);
  }

  /** A note beside a lock, for its holder to read (e.g. "your lab was removed"). */
  async leaveNote(name: string, text: string): Promise<void> {
    await writeFile(this.noteFile(name), text, { mode: 0o600 });
  }

  async readNote(name: string): Promise<string | null> {
    return readFile(this.noteFile(name), 'utf8').catch(() => null);
  }

  async dropNote(name: string): Promise<void> {
    await rm(this.noteFile(name), { force: true });
  }

  private file(name: string): string {
    return join(this.dir, `${name}.lock`);
  }

  private noteFile(name: string): string {
    if (!NAME.test(name)) throw new Error(`not a lock name: ${name}`);
    return join(this.dir, `${name}.note`);
  }

  private async release(file: string, token: string): Promise<void> {
    const held = await readOwner(file);
    if (typeof held === 'object' && held.token === token) await rm(file, { force: true });
  }

  /** Removes a stale lock — only the process that makes this owner's reap marker does. */
  private async reap(file: string, staleOwner: string): Promise<void> {
    try {
      await (await open(`${file}.reap-${staleOwner}`, 'wx', 0o600)).close();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      await sleep(10); // another process is taking it over: see what it made of it
      return;
    }
    await rm(file, { force: true });
  }

  /** Reap markers are kept a while (a process that read the stale owner late must not reap its successor), then removed. */
  private async forgetReapMarkers(name: string): Promise<void> {
    const prefix = `${name}.lock.reap-`;
    for (const f of await readdir(this.dir).catch(() => [] as string[])) {
      if (!f.startsWith(prefix)) continue;
      const path = join(this.dir, f);
      const s = await stat(path).catch(() => null);
      if (s && Date.now() - s.mtimeMs > REAP_MARKERS_KEPT_MS) await rm(path, { force: true });
    }
  }
}

async function readOwner(file: string): Promise<LockOwner | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.machine === 'string' && typeof o.token === 'string' ? o : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** A damaged lock file has no token: its inode and time stand for it (null: it is gone). */
async function fileIdentity(file: string): Promise<string | null> {
  const s = await stat(file).catch(() => null);
  return s ? `ino${s.ino}-${Math.round(s.mtimeMs)}` : null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
