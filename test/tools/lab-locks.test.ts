// Locks between the processes of one user: one holder at a time, a lock
// whose process is gone is taken over, and the lab-level rules built on
// them (a lab being built is refused at once; two builds never claim the
// same underlay; `down` leaves a running build a note).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabLocks, labPlace } from '../../src/engine/registry/lab-locks';
import { LockFiles, isLockHeld, type LockOwner } from '../../src/engine/registry/lock-files';
import { processStartTicks } from '../../src/engine/util/process-identity';

const fresh = () => mkdtempSync(join(tmpdir(), 'podnet-locks-'));
/** The PID of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('lock files', () => {
  it('one holder at a time, even when taken at the same moment; the others learn who holds it', async () => {
    const files = new LockFiles(fresh());
    const results = await Promise.all(Array.from({ length: 8 }, () => files.tryLock('lab.docker.x', 'building')));
    const held = results.filter(isLockHeld);
    expect(held).toHaveLength(1);
    for (const r of results.filter((x) => !isLockHeld(x)) as LockOwner[]) expect(r).toMatchObject({ pid: process.pid, machine: hostname(), token: held[0]!.owner.token });
    await held[0]!.release();
    expect(isLockHeld(await files.tryLock('lab.docker.x', 'building'))).toBe(true);
  });

  it('a lock whose process is gone — or whose PID now belongs to another process — is taken over', async () => {
    const dir = fresh();
    const files = new LockFiles(dir);
    const stale = (pid: number, startTicks: string | null) => writeFileSync(join(dir, 'lab.docker.y.lock'), JSON.stringify({ pid, machine: hostname(), startTicks, token: `t${pid}`, since: '', what: 'building' }));
    stale(deadPid(), null);
    expect(isLockHeld(await files.tryLock('lab.docker.y', 'building'))).toBe(true);
    // Our own PID, but a start time that is not ours: a process that had this PID before.
    stale(process.pid, String(Number(processStartTicks(process.pid) ?? '1') - 1));
    expect(isLockHeld(await files.tryLock('lab.docker.y', 'building'))).toBe(true);
    // A damaged lock file holds nothing.
    writeFileSync(join(dir, 'lab.docker.y.lock'), '{"pid":');
    expect(isLockHeld(await files.tryLock('lab.docker.y', 'building'))).toBe(true);
  });

  it('release gives up only its own lock, and held() lists live locks by prefix', async () => {
    const files = new LockFiles(fresh());
    const a = await files.tryLock('underlay.docker.198.18.0.0_24', '198.18.0.0/24');
    const b = await files.tryLock('underlay.docker.198.18.1.0_24', '198.18.1.0/24');
    expect((await files.held('underlay.docker.')).map((h) => h.owner.what).sort()).toEqual(['198.18.0.0/24', '198.18.1.0/24']);
    if (!isLockHeld(a) || !isLockHeld(b)) throw new Error('not held');
    await a.release();
    await a.release();
    expect((await files.held('underlay.docker.')).map((h) => h.owner.what)).toEqual(['198.18.1.0/24']);
  });
});

describe('lab locks', () => {
  const spec = { name: 'x', driver: 'docker' as const, engine: null };

  it('a second build of a lab is refused at once, naming the process that builds it', async () => {
    const locks = new LabLocks(fresh());
    const first = await locks.holdBuild(spec);
    await expect(locks.holdBuild(spec)).rejects.toMatchObject({ code: 'E_LAB_BUSY', message: `lab x is being built by pid ${process.pid} on this machine` });
    // Another engine is another place: the same name may be built there.
    await (await locks.holdBuild({ ...spec, engine: 'ssh://box' })).release();
    await first.release();
    await (await locks.holdBuild(spec)).release();
  });

  it('labs are placed by where they run', () => {
    expect(labPlace({ driver: 'docker', engine: null })).toBe('docker');
    expect(labPlace({ driver: 'docker', engine: 'ssh://me@box' })).toMatch(/^docker-[0-9a-f]{12}$/);
    expect(labPlace({ driver: 'local', engine: null })).toBe('local');
  });

  it('two builds picking underlays at the same time never get the same one', async () => {
    const locks = new LabLocks(fresh());
    const pool = ['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'];
    const claims = await Promise.all(
      [1, 2, 3].map(() =>
        locks.claimUnderlay(spec, async (claimed) => {
          await new Promise((r) => setTimeout(r, 5)); // the engine being asked what it has
          return pool.find((s) => !claimed.includes(s)) ?? null;
        }),
      ),
    );
    expect(new Set(claims.map((c) => c!.owner.what)).size).toBe(3);
    for (const c of claims) await c!.release();
  });

  it('`down` during a build leaves it a note; the next build of the name starts without it', async () => {
    const dir = fresh();
    const locks = new LabLocks(dir);
    const build = await locks.holdBuild(spec);
    expect(await build.removedMeanwhile()).toBe(false);
    await locks.noteRemoval('x');
    await locks.noteRemoval('other');
    expect(await build.removedMeanwhile()).toBe(true);
    await build.release();
    const next = await locks.holdBuild(spec);
    expect(await next.removedMeanwhile()).toBe(false);
    await next.release();
    expect(readdirSync(join(dir, 'locks')).filter((f) => !f.includes('.reap-'))).toEqual([]);
  });
});
