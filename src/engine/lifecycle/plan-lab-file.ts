// `up --dry-run`: the same pass as `up` up to the plan, touching nothing —
// no driver is asked, so the underlay is the first free one of the pool
// and machines' addresses are the ones the lab file names.
import type { DriverDefinition } from '../drivers/driver-definition';
import type { DiscoveredUnderlay } from '../ipam/allocate';
import { allocateLab } from '../ipam/allocate-lab';
import type { Allocation } from '../ipam/allocation';
import type { LabSource } from '../lab-source';
import type { ParsedLab } from '../spec/parse-lab';
import type { LifecycleContext } from './lifecycle-context';
import { planAllocated, type PlannedLab } from './planned-lab';
import { readLab } from './read-lab';

/** What a dry run knows of the driver: what it can do and how it names things. */
export type UnplacedDriver = Pick<DriverDefinition, 'capabilities' | 'planContext'>;

export async function planLabFile(ctx: LifecycleContext, source: LabSource): Promise<PlannedLab> {
  const parsed = await readLab(source, ctx.drivers.rules);
  return planUnplaced(parsed, ctx.drivers.definitionOf(parsed.spec.driver));
}

/** The lab's addresses without asking the driver where it runs (`discovered`: machines' addresses, when known). */
export function allocateUnplaced(parsed: ParsedLab, driver: UnplacedDriver, discovered?: ReadonlyMap<string, DiscoveredUnderlay>): Allocation {
  const linkName = driver.planContext.names?.link;
  return allocateLab(parsed, { takenSubnets: driver.capabilities.ownsUnderlay ? [] : null, ...(discovered ? { discovered } : {}), ...(linkName ? { linkName } : {}) });
}

export function planUnplaced(parsed: ParsedLab, driver: UnplacedDriver, discovered?: ReadonlyMap<string, DiscoveredUnderlay>): PlannedLab {
  return planAllocated(parsed, allocateUnplaced(parsed, driver, discovered), driver.planContext);
}
