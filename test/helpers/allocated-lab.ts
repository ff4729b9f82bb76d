// A lab file through the stages before the driver is asked, as `up --dry-run`
// takes it (lifecycle/plan-lab-file.ts): parsed, then allocated — for tests of
// the allocation and the plan.
import { BUILTIN_DRIVERS } from '../../src/engine/drivers/builtin-drivers';
import type { DiscoveredUnderlay } from '../../src/engine/ipam/allocate';
import type { Allocation } from '../../src/engine/ipam/allocation';
import { allocateUnplaced, planUnplaced, type UnplacedDriver } from '../../src/engine/lifecycle/plan-lab-file';
import type { PlannedLab } from '../../src/engine/lifecycle/planned-lab';
import type { PlanContext } from '../../src/engine/plan/plan-context';
import { parseLab, type ParseOptions, type ParsedLab } from '../../src/engine/spec/parse-lab';

export interface AllocatedOptions extends ParseOptions {
  /** Name things as this context does (default: the lab's driver's). */
  ctx?: PlanContext;
  /** Machines' underlay addresses as the driver would find them. */
  discovered?: ReadonlyMap<string, DiscoveredUnderlay>;
}

function driverOf(parsed: ParsedLab, o: AllocatedOptions): UnplacedDriver {
  const definition = BUILTIN_DRIVERS.find((d) => d.kind === parsed.spec.driver)!;
  return o.ctx ? { capabilities: definition.capabilities, planContext: o.ctx } : definition;
}

export function allocatedLab(text: string, file = '<input>', o: AllocatedOptions = {}): ParsedLab & { allocation: Allocation } {
  const parsed = parseLab(text, file, o);
  return { ...parsed, allocation: allocateUnplaced(parsed, driverOf(parsed, o), o.discovered) };
}

export function plannedLab(text: string, file = '<input>', o: AllocatedOptions = {}): PlannedLab {
  const parsed = parseLab(text, file, o);
  return planUnplaced(parsed, driverOf(parsed, o), o.discovered);
}
