// Stages 2 and 3 of `up`: the facts of where the lab will run, from its
// driver (subnets in use, or the machines' own addresses and interfaces;
// how it names links), then the allocation — once. An underlay the lab owns
// is picked under a lock and claimed until the build ends, so that two
// labs started together never get the same one.
import type { HostDriver, PlacementOptions } from '../drivers/host-driver';
import { allocateLab } from '../ipam/allocate-lab';
import type { Allocation } from '../ipam/allocation';
import type { LabLocks } from '../registry/lab-locks';
import type { ParsedLab } from '../spec/parse-lab';

export interface PlacedLab {
  allocation: Allocation;
  /** Gives the claimed underlay back (once the lab exists, its switch shows it is taken). */
  release(): Promise<void>;
}

export async function placeLab(parsed: ParsedLab, driver: HostDriver, locks: LabLocks, opts: PlacementOptions): Promise<PlacedLab> {
  const linkName = driver.planContext.names?.link;
  const withNames = linkName ? { linkName } : {};
  if (!driver.capabilities.ownsUnderlay) {
    const facts = await driver.placement(parsed.spec, opts);
    return { allocation: allocateLab(parsed, { ...facts, ...withNames }), release: async () => undefined };
  }
  let allocation: Allocation | null = null;
  // Subnets in use are read under the lock, together with the ones builds in progress have claimed.
  const claim = await locks.claimUnderlay(parsed.spec, async (claimed) => {
    const facts = await driver.placement(parsed.spec, opts);
    allocation = allocateLab(parsed, { ...facts, takenSubnets: [...(facts.takenSubnets ?? []), ...claimed], ...withNames });
    return allocation.underlay.subnet;
  });
  return { allocation: allocation!, release: async () => void (await claim?.release()) };
}
