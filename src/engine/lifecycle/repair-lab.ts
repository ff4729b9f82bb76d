// `repair`: a degraded lab brought back as a node's agents bring a node back
// after a reboot — the broken hosts are started afresh (or made again),
// plugged into the underlay and given their plan again, and their state is
// read back and checked; the peers are not touched (the plan is derived from
// the lab's identity, so their tunnels and routes already point at the
// right addresses and VTEP MACs).
import { ERROR_CODES } from '../../shared/errors';
import type { HostState } from '../../shared/snapshot';
import type { LabRepair, LabSummary } from '../../shared/lab';
import type { HostDriver } from '../drivers/host-driver';
import { PodnetError } from '../errors';
import { allocate } from '../ipam/allocate';
import { observeScript } from '../observe/observe-script';
import { parseObservation } from '../observe/parse-observation';
import { planLab } from '../plan/plan-lab';
import { renderHostScript } from '../plan/render-script';
import { readinessProblems } from '../ready-check';
import type { LabLocks } from '../registry/lab-locks';

export async function repairLab(driver: HostDriver, summary: LabSummary, deps: { locks: LabLocks; signal?: AbortSignal }): Promise<LabRepair> {
  const started = performance.now();
  const lab = summary.name;
  if (summary.status === 'running') return { name: lab, repaired: [], done: [], elapsedMs: performance.now() - started };
  if (summary.status === 'building') throw new PodnetError(ERROR_CODES.LAB_BUSY, `lab ${lab} is being built`, { hint: 'wait until it is up (podnet ls)' });
  if (summary.status === 'failed') {
    throw new PodnetError(ERROR_CODES.APPLY, `lab ${lab} was never completely built, so there is nothing to repair`, { hint: `remove its remains (podnet gc, or podnet down ${lab}), then build it again` });
  }
  const spec = await driver.labSpec(lab);
  if (!spec || !driver.revive) {
    throw new PodnetError(ERROR_CODES.APPLY, spec ? `the ${driver.kind} driver cannot repair a lab in place` : `lab ${lab} has lost its description (its underlay switch is gone)`, {
      hint: `build it again: podnet down ${lab}, then podnet up ${summary.source ?? '<lab.yaml>'}`,
    });
  }
  // Nobody builds or repairs it at the same time.
  const lock = await deps.locks.holdBuild(spec);
  try {
    const ctx = driver.planContext;
    const { allocation, issues } = allocate(spec, { underlaySubnet: summary.underlay, ...(ctx.names ? { linkName: ctx.names.link } : {}) });
    if (issues.length > 0) throw new PodnetError(ERROR_CODES.APPLY, `lab ${lab} cannot be planned again: ${issues.map((i) => i.message).join('; ')}`);
    const plan = planLab(spec, allocation, ctx);
    const scripts = new Map(plan.hosts.map((h) => [h.host, renderHostScript(h, observeScript(driver.observeScope(lab, h.host)))] as const));
    const { tails, done } = await driver.revive({ spec, allocation, plan, scripts, faults: summary.faults, ...(deps.signal ? { signal: deps.signal } : {}) });
    const roles = new Map(plan.hosts.map((h) => [h.host, h.role] as const));
    const observed = new Map<string, HostState>();
    for (const [host, tail] of tails) observed.set(host, parseObservation(tail, { name: host, role: roles.get(host)! }, driver.observeScope(lab, host)));
    const problems = readinessProblems(plan, observed, new Set(tails.keys()));
    if (problems.length > 0) throw new PodnetError(ERROR_CODES.APPLY, `lab ${lab} did not come back as planned:\n${problems.join('\n')}`);
    return { name: lab, repaired: summary.faults, done, elapsedMs: performance.now() - started };
  } finally {
    await lock.release();
  }
}
