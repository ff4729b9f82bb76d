// Stages 5 and 6 of `up`: the driver builds the planned lab (one script per
// host, in one round trip each), then the state each host's script read
// back is checked against the allocation. Nothing half-built is left: a
// failed or cancelled build removes what it made (and nothing else).
import { randomBytes } from 'node:crypto';
import type { HostState } from '../../shared/snapshot';
import { ERROR_CODES } from '../../shared/errors';
import type { BuildRun, HostDriver } from '../drivers/host-driver';
import { PodnetError, isPodnetError, throwIfAborted } from '../errors';
import { observeScript } from '../observe/observe-script';
import { parseObservation } from '../observe/parse-observation';
import { renderHostScript } from '../plan/render-script';
import { readinessProblems } from '../ready-check';
import type { BuildLock } from '../registry/lab-locks';
import { currentOwner } from '../util/process-identity';
import type { PlannedLab } from './planned-lab';
import { UpProgressTracker } from './up-progress';
import type { UpOptions, UpResult } from './up-options';

/** How often a build looks for a note that its lab was removed. */
const REMOVAL_POLL_MS = 250;

export interface ApplyRequest {
  planned: PlannedLab;
  /** Where the lab file came from (recorded with the lab). */
  path: string | null;
  /** When `up` started (for the progress times). */
  started: number;
  lock: BuildLock;
}

export async function applyLab(driver: HostDriver, req: ApplyRequest, opts: UpOptions): Promise<UpResult> {
  const { planned, lock } = req;
  const { spec } = planned.parsed;
  const { allocation } = planned;
  const tracker = new UpProgressTracker(planned.plan, (p) => opts.onProgress?.(p), req.started);
  tracker.start('image');
  const imageDetail = await driver.ensureReady((line) => opts.onLog?.(line), opts.signal);
  tracker.done('image', imageDetail);
  throwIfAborted(opts.signal);
  tracker.start('underlay', allocation.underlay.subnet ?? undefined);

  const roles = new Map(planned.plan.hosts.map((h) => [h.host, h.role] as const));
  const scripts = new Map(planned.plan.hosts.map((h) => [h.host, renderHostScript(h, observeScript(driver.observeScope(spec.name, h.host)))] as const));
  const run: BuildRun = { id: randomBytes(6).toString('hex'), owner: currentOwner() };
  // `down` from elsewhere leaves a note by the lock: the build stops at once. (Waiting for Docker to fail is not
  // enough: a command running in a container removed meanwhile may never be reported ended.)
  const removal = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, removal.signal]) : removal.signal;
  const watch = setInterval(() => void lock.removedMeanwhile().then((removed) => removed && removal.abort(), () => undefined), REMOVAL_POLL_MS);
  try {
    const { tails } = await driver
      .create({ run, spec, allocation, plan: planned.plan, scripts, source: req.path, signal, onEvent: (e) => tracker.onDriverEvent(e) })
      .finally(() => clearInterval(watch));
    const observed = new Map<string, HostState>();
    for (const [host, tail] of tails) observed.set(host, parseObservation(tail, { name: host, role: roles.get(host)! }, driver.observeScope(spec.name, host)));
    const problems = readinessProblems(planned.plan, observed);
    if (problems.length > 0) throw new PodnetError(ERROR_CODES.APPLY, `the lab did not come up as planned:\n${problems.join('\n')}`);
    // `down` may have run while the hosts were being configured: say so rather than "ready".
    if ((await lock.removedMeanwhile()) || !(await driver.holds(spec.name, run.id))) throw removedWhileBuilding(spec.name);
    tracker.done('ready', `${allocation.hosts.length} hosts, ${allocation.hosts.reduce((n, h) => n + h.pods.length, 0)} pods`);
    const states = [...observed.values()];
    return {
      name: spec.name,
      elapsedMs: tracker.elapsed(),
      snapshot: {
        name: spec.name,
        revision: 1,
        takenAt: new Date().toISOString(),
        hosts: allocation.hosts.map((h) => observed.get(h.name)!),
        internet: states.find((s) => s.role === 'internet') ?? null,
      },
    };
  } catch (e) {
    // Nothing half-built: remove what this build created (and nothing another build or user made), then report.
    const { intact } = await driver.discard(spec.name, run.id).catch(() => ({ intact: true }));
    if (removal.signal.aborted) throw removedWhileBuilding(spec.name, e);
    if (isPodnetError(e) && e.code === ERROR_CODES.CANCELLED) throw e;
    if (!intact || (await lock.removedMeanwhile())) throw removedWhileBuilding(spec.name, e);
    throw e;
  }
}

function removedWhileBuilding(lab: string, cause?: unknown): PodnetError {
  return new PodnetError(ERROR_CODES.APPLY, `lab ${lab} was removed while it was being built (podnet down, or its containers were removed)`, {
    hint: `nothing of it is left; build it again: podnet up <lab.yaml>`,
    ...(cause !== undefined ? { cause } : {}),
  });
}
