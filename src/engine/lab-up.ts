// `up`: lab file → running lab, or an error and nothing left behind.
import { randomBytes } from 'node:crypto';
import type { LabSummary, UpProgress } from '../shared/lab';
import type { HostState, Snapshot } from '../shared/snapshot';
import { ERROR_CODES } from '../shared/errors';
import type { BuildRun, HostDriver } from './drivers/host-driver';
import { PodnetError, isPodnetError, throwIfAborted } from './errors';
import { overlaps } from './ipam/cidr';
import type { LabSource } from './lab-source';
import { parseOptionsOf, readLabSource, type LabText } from './lab-source';
import { observeScript } from './observe/observe-script';
import { parseObservation } from './observe/parse-observation';
import { planLab } from './plan/plan-lab';
import { describeHostPlan, renderHostScript } from './plan/render-script';
import type { LabPlan } from './plan/step';
import { readinessProblems } from './ready-check';
import { labSpecError, parseLab, reallocateLab, type ParsedLab } from './spec/parse-lab';
import type { DiscoveredUnderlay } from './ipam/allocate';
import { UpProgressTracker } from './up-progress';
import type { BuildLock, LabLocks } from './registry/lab-locks';
import { currentOwner } from './util/process-identity';

export interface UpOptions {
  onProgress?(p: UpProgress): void;
  /** Lines of slow work (image build). */
  onLog?(line: string): void;
  signal?: AbortSignal;
  /** SSH machines: replace a lab of the same name another user left there. */
  force?: boolean;
}

export interface UpResult {
  name: string;
  elapsedMs: number;
  snapshot: Snapshot;
}

export interface PlannedLab {
  parsed: ParsedLab;
  plan: LabPlan;
  /** Every host's steps in readable form (`--dry-run`). */
  describe(): string;
  /** Every host's exact batched script (`--dry-run --script`). */
  scripts(): Map<string, string>;
}

export interface UpDeps {
  driverFor(parsed: ParsedLab): HostDriver;
  locks: LabLocks;
}

/** The plan for where the lab runs: the driver's names, and the underlay found on real machines. */
export function planParsed(parsed: ParsedLab, driver: Pick<HostDriver, 'planContext'>, discovered?: ReadonlyMap<string, DiscoveredUnderlay>): PlannedLab {
  const ctx = driver.planContext;
  if (ctx.names || discovered) parsed = reallocateLab(parsed, { ...(discovered ? { discovered } : {}), ...(ctx.names ? { linkName: ctx.names.link } : {}) });
  const plan = planLab(parsed.spec, parsed.allocation, ctx);
  const underlayOf = (host: string) => (host === 'internet' ? parsed.allocation.internet?.underlayIp : parsed.allocation.hosts.find((h) => h.name === host)?.underlayIp);
  return {
    parsed,
    plan,
    describe: () => plan.hosts.map((h) => describeHostPlan(h, `${h.host} (underlay ${underlayOf(h.host) ?? '?'})`)).join('\n'),
    scripts: () => new Map(plan.hosts.map((h) => [h.host, renderHostScript(h)])),
  };
}

/** Reads and checks a lab file (with its driver override). */
export async function parseSource(source: LabSource): Promise<ParsedLab> {
  const lab = await readLabSource(source);
  return parseLab(lab.text, lab.file, parseOptionsOf(lab));
}

/** Parses and plans a lab without touching anything. */
export async function planFromSource(source: LabSource, driverFor: (p: ParsedLab) => HostDriver): Promise<PlannedLab> {
  const parsed = await parseSource(source);
  return planParsed(parsed, driverFor(parsed));
}

export async function upLab(deps: UpDeps, source: LabSource, opts: UpOptions = {}): Promise<UpResult> {
  const lab = await readLabSource(source);
  const { path } = lab;
  let parsed = parseLab(lab.text, lab.file, parseOptionsOf(lab));
  const driver = deps.driverFor(parsed);
  const name = parsed.spec.name;
  // Refused at once while another process (or window) builds it: nothing of the lab is touched.
  const lock = await deps.locks.holdBuild(parsed.spec);
  try {
    await driver.preflight();
    const existing = (await driver.list()).find((l) => l.name === name);
    if (existing) throw labExistsError(existing);
    const claim =
      parsed.spec.driver === 'ssh'
        ? null
        : await deps.locks.claimUnderlay(parsed.spec, async (claimed) => {
            parsed = checkUnderlayFree(parsed, lab, [...(await driver.takenSubnets()), ...claimed]);
            return parsed.allocation.underlay.subnet;
          });
    try {
      const started = performance.now();
      const discovered = driver.prepareHosts
        ? await driver.prepareHosts(parsed.spec, { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onLog ? { onLog: opts.onLog } : {}), ...(opts.force ? { force: true } : {}) })
        : undefined;
      return await build(driver, planParsed(parsed, driver, discovered), path, opts, started, lock);
    } finally {
      await claim?.release();
    }
  } finally {
    await lock.release();
  }
}

function labExistsError(existing: LabSummary): PodnetError {
  const name = existing.name;
  if (existing.status === 'building') {
    return new PodnetError(ERROR_CODES.LAB_BUSY, `lab ${name} is being built${existing.owner ? ` by ${existing.owner}` : ''}`, { hint: 'wait until it is up (podnet ls), or cancel that build' });
  }
  const what = existing.status === 'failed' ? `the remains of an unfinished build of lab ${name} are there` : `a lab named "${name}" is already running`;
  return new PodnetError(ERROR_CODES.LAB_EXISTS, what, { hint: existing.status === 'failed' ? `remove them: podnet gc (or podnet down ${name})` : `stop it first: podnet down ${name}` });
}

function checkUnderlayFree(parsed: ParsedLab, lab: LabText, taken: string[]): ParsedLab {
  const own = parsed.spec.underlay.subnet;
  if (parsed.spec.driver === 'ssh') return parsed;
  if (own) {
    const clash = taken.find((t) => overlaps(t, own));
    if (clash) throw labSpecError(parsed, [{ path: ['underlay', 'subnet'], message: `${own} overlaps ${clash}, used by an existing Docker network or another running lab`, hint: 'pick another subnet, or remove underlay.subnet to let podnet choose a free one' }]);
    return parsed;
  }
  return parseLab(lab.text, lab.file, { takenSubnets: taken, ...parseOptionsOf(lab) });
}

async function build(driver: HostDriver, planned: PlannedLab, path: string | null, opts: UpOptions, started: number, lock: BuildLock): Promise<UpResult> {
  const { spec, allocation } = planned.parsed;
  const tracker = new UpProgressTracker(planned.plan, (p) => opts.onProgress?.(p), started);
  tracker.start('image');
  const imageDetail = await driver.ensureReady((line) => opts.onLog?.(line), opts.signal);
  tracker.done('image', imageDetail);
  throwIfAborted(opts.signal);
  tracker.start('underlay', allocation.underlay.subnet ?? undefined);

  const roles = new Map(planned.plan.hosts.map((h) => [h.host, h.role] as const));
  const scripts = new Map(
    planned.plan.hosts.map((h) => [h.host, renderHostScript(h, observeScript(driver.observeScope(spec.name, h.host)))] as const),
  );
  const run: BuildRun = { id: randomBytes(6).toString('hex'), owner: currentOwner() };
  // `down` from elsewhere leaves a note by the lock: the build stops at once. (Waiting for Docker to fail is not
  // enough: a command running in a container removed meanwhile may never be reported ended.)
  const removal = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, removal.signal]) : removal.signal;
  const watch = setInterval(() => void lock.removedMeanwhile().then((removed) => removed && removal.abort(), () => undefined), REMOVAL_POLL_MS);
  try {
    const { tails } = await driver
      .create({
        run,
        spec,
        allocation,
        plan: planned.plan,
        scripts,
        source: path,
        signal,
        onEvent: (e) => tracker.onDriverEvent(e),
      })
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

/** How often a build looks for a note that its lab was removed. */
const REMOVAL_POLL_MS = 250;

function removedWhileBuilding(lab: string, cause?: unknown): PodnetError {
  return new PodnetError(ERROR_CODES.APPLY, `lab ${lab} was removed while it was being built (podnet down, or its containers were removed)`, {
    hint: `nothing of it is left; build it again: podnet up <lab.yaml>`,
    ...(cause !== undefined ? { cause } : {}),
  });
}
