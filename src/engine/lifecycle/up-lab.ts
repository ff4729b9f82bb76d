// `up`: lab file → running lab, or an error and nothing left behind — in
// one pass, each stage once: read and check the file (read-lab.ts) → the
// facts of where it runs and the allocation (place-lab.ts) → the plan
// (planned-lab.ts) → build and read back (apply-lab.ts).
import type { LabSource } from '../lab-source';
import { applyLab } from './apply-lab';
import type { LifecycleContext } from './lifecycle-context';
import { labExistsError } from './lab-exists';
import { placeLab } from './place-lab';
import { planAllocated } from './planned-lab';
import { readLab } from './read-lab';
import type { UpOptions, UpResult } from './up-options';

export async function upLab(ctx: LifecycleContext, source: LabSource, opts: UpOptions = {}): Promise<UpResult> {
  const started = performance.now();
  const parsed = await readLab(source, ctx.drivers.rules);
  const { spec } = parsed;
  const driver = await ctx.drivers.forSpec(spec);
  // Refused at once while another process (or window) builds it: nothing of the lab is touched.
  const lock = await ctx.locks.holdBuild(spec);
  try {
    await driver.preflight();
    const existing = await ctx.drivers.existing(spec.name, driver);
    if (existing) throw labExistsError(existing.summary, existing.elsewhere);
    const placed = await placeLab(parsed, driver, ctx.locks, { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onLog ? { onLog: opts.onLog } : {}), ...(opts.force ? { force: true } : {}) });
    try {
      const planned = planAllocated(parsed, placed.allocation, driver.planContext);
      return await applyLab(driver, { planned, path: parsed.path, started, lock }, opts);
    } finally {
      await placed.release();
    }
  } finally {
    await lock.release();
  }
}
