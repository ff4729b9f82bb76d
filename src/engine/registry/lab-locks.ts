// One lab, one builder. Before `up` touches anything it takes the lock of
// the lab's name where the lab runs (a Docker engine, this machine's
// namespaces, SSH machines): a second `up` of a lab being built — from the
// CLI, the desktop app or `podnet serve`, which share this user's state dir
// — is refused at once and touches nothing. And the underlay a build picks
// is claimed until the build ends, so that two labs started together never
// get the same one (the switch that makes it visible to others comes later).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ERROR_CODES } from '../../shared/errors';
import { PodnetError } from '../errors';
import type { LabSpec } from '../spec/lab-spec';
import { machineName } from '../util/process-identity';
import { LockFiles, isLockHeld, type HeldLock, type LockOwner } from './lock-files';

/** Where labs of a spec live, as a lock-name part: the driver (`docker`, `local`, `ssh`), or `<driver>-<hash of the engine>` on another machine's engine. */
export function labPlace(spec: Pick<LabSpec, 'driver' | 'engine'>): string {
  return spec.engine ? `${spec.driver}-${createHash('sha256').update(spec.engine).digest('hex').slice(0, 12)}` : spec.driver;
}

/** How long `up` waits for another build to finish picking its underlay (a few milliseconds, normally). */
const PICK_WAIT_MS = 10_000;

export interface BuildLock extends HeldLock {
  /** Was the lab removed (`podnet down`, here or in another process) while this build ran? */
  removedMeanwhile(): Promise<boolean>;
}

const buildLockName = (spec: Pick<LabSpec, 'name' | 'driver' | 'engine'>) => `lab.${labPlace(spec)}.${spec.name}`;

export class LabLocks {
  private readonly files: LockFiles;

  constructor(stateDir: string) {
    this.files = new LockFiles(join(stateDir, 'locks'));
  }

  /** The build lock of a lab, or LAB_BUSY naming the process that builds it. */
  async holdBuild(spec: Pick<LabSpec, 'name' | 'driver' | 'engine'>): Promise<BuildLock> {
    const name = buildLockName(spec);
    const r = await this.files.tryLock(name, `building lab ${spec.name}`);
    if (!isLockHeld(r)) {
      throw new PodnetError(ERROR_CODES.LAB_BUSY, `lab ${spec.name} is being built by ${who(r)}`, {
        hint: 'wait until it is up (podnet ls), or cancel that build; nothing was touched',
      });
    }
    await this.files.dropNote(name); // left for a build that is gone
    return {
      owner: r.owner,
      removedMeanwhile: async () => (await this.files.readNote(name)) === r.owner.token,
      release: async () => {
        await this.files.dropNote(name);
        await r.release();
      },
    };
  }

  /**
   * `down` of a lab that a live process is building (wherever it runs): a note for that build, left before
   * anything is removed — so the build, whichever of its steps fails first, says why.
   */
  async noteRemoval(lab: string): Promise<void> {
    for (const { name, owner } of await this.files.held('lab.')) {
      if (name.endsWith(`.${lab}`)) await this.files.leaveNote(name, owner.token);
    }
  }

  /**
   * Picks an underlay with the subnets claimed by builds in progress counted as taken, and claims it until
   * the returned lock is released. `pick` gets the claimed subnets and returns the subnet it chose.
   */
  async claimUnderlay(spec: Pick<LabSpec, 'driver' | 'engine'>, pick: (claimed: string[]) => Promise<string | null>): Promise<HeldLock | null> {
    const place = labPlace(spec);
    const guard = await this.files.lock(`pick-underlay.${place}`, 'picking an underlay', PICK_WAIT_MS);
    if (!isLockHeld(guard)) {
      throw new PodnetError(ERROR_CODES.LAB_BUSY, `another build (${who(guard)}) has been picking its underlay for ${PICK_WAIT_MS / 1000} s`, { hint: 'try again in a moment' });
    }
    try {
      const claimed = (await this.files.held(`underlay.${place}.`)).map((h) => h.owner.what);
      const subnet = await pick(claimed);
      if (!subnet) return null;
      const claim = await this.files.tryLock(`underlay.${place}.${subnet.replace('/', '_')}`, subnet);
      // Under the guard, a subnet nobody claimed stays free; a claimed one was counted as taken by `pick`.
      if (!isLockHeld(claim)) throw new PodnetError(ERROR_CODES.LAB_BUSY, `the underlay ${subnet} is claimed by ${who(claim)}`);
      return claim;
    } finally {
      await guard.release();
    }
  }
}

function who(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.machine === machineName() ? 'this machine' : owner.machine}`;
}
