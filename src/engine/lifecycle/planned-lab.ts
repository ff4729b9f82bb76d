// Stage 4 of `up`: the allocation → the plan (plan/plan-lab.ts), with the
// two ways of printing it (`--dry-run`, `--dry-run --script`).
import type { Diagnostic } from '../../shared/errors';
import { allocationWarnings } from '../ipam/allocate-lab';
import type { Allocation } from '../ipam/allocation';
import { underlayAddressOf } from '../ipam/underlay-address';
import type { PlanContext } from '../plan/plan-context';
import { planLab } from '../plan/plan-lab';
import { describeHostPlan, renderHostScript } from '../plan/render-script';
import type { LabPlan } from '../plan/step';
import type { ParsedLab } from '../spec/parse-lab';

export interface PlannedLab {
  parsed: ParsedLab;
  allocation: Allocation;
  plan: LabPlan;
  /** What is allowed but likely not meant (a Service's selector picking no pod), located in the lab file. */
  warnings: Diagnostic[];
  /** Every host's steps in readable form (`--dry-run`). */
  describe(): string;
  /** Every host's exact batched script (`--dry-run --script`). */
  scripts(): Map<string, string>;
}

export function planAllocated(parsed: ParsedLab, allocation: Allocation, ctx: PlanContext): PlannedLab {
  const plan = planLab(parsed.spec, allocation, ctx);
  return {
    parsed,
    allocation,
    plan,
    warnings: allocationWarnings(parsed, allocation),
    describe: () => plan.hosts.map((h) => describeHostPlan(h, `${h.host} (underlay ${underlayAddressOf(allocation, h.host) ?? '?'})`)).join('\n'),
    scripts: () => new Map(plan.hosts.map((h) => [h.host, renderHostScript(h)])),
  };
}
