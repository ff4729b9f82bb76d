// Hosts are real Linux machines reached over SSH (ssh2). The underlay is
// their own network; the plan is the same as for containers, named for a
// shared machine (ssh-plan-context.ts) and run in one round trip per host
// with root rights (root, or passwordless sudo). Before anything is
// created, the host's manifest and its removal script are written to
// /run/podnet/lab, so `down` and `gc` remove exactly what the lab made.
// Which machines a lab is on is kept in the user's lab registry.
import { ERROR_CODES } from '../../../shared/errors';
import type { ExecResult, LabSummary } from '../../../shared/lab';
import { PodnetError, isPodnetError } from '../../errors';
import { renderSteps } from '../../plan/render-script';
import type { Step } from '../../plan/step';
import type { LabRegistry, RegistryEntry } from '../../registry/lab-registry';
import type { LabSpec } from '../../spec/lab-spec';
import { shellQuote } from '../../util/shell-quote';
import { builderAlive, builderPid, currentBuilder } from '../builder';
import { othersLabError, ownedByOther } from '../lab-owner';
import { currentOwner } from '../../util/process-identity';
import type { CreateRequest, CreateResult, ExecOptions, GcResult, HostDriver, ObserveScope, PlacementOptions, ShellOptions, ShellStream, SpawnOptions, SpawnedProcess } from '../host-driver';
import { applyHostScripts } from '../apply-host-scripts';
import { collectUnfinished } from '../collect-unfinished';
import { noSuchHost } from '../host-errors';
import { ChannelPool } from '../channel-pool';
import type { ScriptChannel } from '../script-channel';
import { assessHostCheck, checkNeeds, hostCheckScript } from './host-check';
import type { HostKeyPolicy } from './host-key-policy';
import type { KnownHosts } from './known-hosts';
import { labManifest } from './lab-manifest';
import { SshConnection } from './ssh-connection';
import { NETNS_PREFIX, SSH_PLAN_CONTEXT, SSH_STATE_DIR } from './ssh-plan-context';
import { openSshShell } from './ssh-shell';
import { spawnOverSsh } from './ssh-spawn';
import { asRoot, connectionKey, targetOf, type SshTarget } from './ssh-target';
import { recordBeforeScript, teardownScript } from './teardown-script';
import type { DiscoveredUnderlay } from '../../ipam/allocate';
import type { PlacementFacts } from '../../ipam/allocate-lab';
import { SSH_CAPABILITIES } from './ssh-definition';

export interface SshDriverOptions {
  registry: LabRegistry;
  known: KnownHosts;
  policy: HostKeyPolicy;
  /** How long user actions wait for a machine that is away (default 10 s). */
  waitMs?: number;
}

const q = shellQuote;
/** Exit codes of a host's removal: nothing of this lab (or build) there; another user's lab there. */
const NOT_THERE = 4;
const OTHERS = 3;
/** Podnet's own commands on a machine: the check before building, and the removal of a lab. */
const CHECK_TIMEOUT_MS = 60_000;
const TEARDOWN_TIMEOUT_MS = 120_000;

export class SshDriver implements HostDriver {
  readonly kind = 'ssh' as const;
  readonly capabilities = SSH_CAPABILITIES;
  readonly planContext = SSH_PLAN_CONTEXT;
  private readonly connections = new Map<string, SshConnection>();
  private readonly channels = new ChannelPool();
  /** Registry entries seen lately (observeScope must answer without waiting). */
  private readonly entries = new Map<string, RegistryEntry>();

  constructor(private readonly opts: SshDriverOptions) {}

  async preflight(): Promise<void> {}

  async ensureReady(): Promise<string> {
    return 'machines reached over SSH';
  }

  /** The underlay is the machines' own network: each machine is reached, verified and checked, and its address found on it. */
  async placement(spec: LabSpec, opts: PlacementOptions): Promise<PlacementFacts> {
    return { takenSubnets: null, discovered: await this.prepareHosts(spec, opts) };
  }

  private async prepareHosts(spec: LabSpec, opts: PlacementOptions): Promise<ReadonlyMap<string, DiscoveredUnderlay>> {
    const needs = checkNeeds(spec);
    const found = new Map<string, DiscoveredUnderlay>();
    const results = await Promise.allSettled(
      spec.hosts.map(async (h) => {
        const t = targetOf(h);
        const conn = this.connection(t);
        await conn.connect({ wait: true, ...(opts.signal ? { signal: opts.signal } : {}) });
        const r = await conn.exec(asRoot(t.user, ['sh', '-s']), { stdin: hostCheckScript(needs, SSH_STATE_DIR), timeoutMs: CHECK_TIMEOUT_MS, ...(opts.signal ? { signal: opts.signal } : {}) });
        if (!r.stdout.includes('\x1esection missing')) {
          const why = r.stderr.trim().split('\n').pop() ?? `exit code ${r.code}`;
          return [`user ${t.user} is not root and cannot use sudo without a password (${why}): log in as root, or allow passwordless sudo for ${t.user}`];
        }
        const check = assessHostCheck(r.stdout, t, needs, spec.name, conn.serverAddress, { me: currentOwner(), force: opts.force ?? false });
        if (check.problems.length > 0) return check.problems;
        if (check.labThere === spec.name) {
          opts.onLog?.(`${h.name}: removing what ${ownedByOther(check.ownerThere) ? `${check.ownerThere}'s lab ${spec.name} (--force)` : `an earlier run of ${spec.name}`} left there`);
          await this.teardownHost(spec.name, t, { force: true });
        }
        found.set(h.name, check.underlay!);
        return [];
      }),
    );
    const lines: string[] = [];
    const errors: unknown[] = [];
    results.forEach((r, i) => {
      const host = spec.hosts[i]!.name;
      if (r.status === 'rejected') {
        errors.push(r.reason);
        lines.push(`${host}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
      } else lines.push(...r.value.map((p) => `${host}: ${p}`));
    });
    if (errors.length === 1 && lines.length === 1 && isPodnetError(errors[0])) throw errors[0];
    if (lines.length > 0) {
      const keyTrouble = errors.find((e) => isPodnetError(e) && e.code === ERROR_CODES.HOST_KEY) as PodnetError | undefined;
      throw new PodnetError(keyTrouble ? ERROR_CODES.HOST_KEY : ERROR_CODES.BACKEND_UNAVAILABLE, `the lab cannot be built on these machines:\n${lines.join('\n')}`, {
        hint: keyTrouble?.hint ?? 'fix the above on each machine, then run podnet up again; nothing was created',
      });
    }
    return found;
  }

  async create(req: CreateRequest): Promise<CreateResult> {
    const { spec, allocation } = req;
    const underlay = Object.fromEntries(allocation.hosts.map((h) => [h.name, { ip: h.underlayIp, dev: h.underlayDev }]));
    const entry: RegistryEntry = { name: spec.name, driver: 'ssh', engine: null, spec, source: req.source, builder: currentBuilder(), status: 'building', createdAt: new Date().toISOString(), run: req.run.id, owner: req.run.owner, underlay };
    await this.opts.registry.put(entry);
    this.entries.set(spec.name, entry);
    const plans = new Map(req.plan.hosts.map((hp) => [hp.host, hp] as const));
    const tails = await applyHostScripts({
      hosts: [...plans.keys()],
      onEvent: req.onEvent,
      run: (host, reader) => {
        const hp = plans.get(host)!;
        const t = targetOf(spec.hosts.find((h) => h.name === host)!);
        req.onEvent({ type: 'host-created', host });
        const manifest = labManifest(spec.name, hp, SSH_STATE_DIR, { owner: req.run.owner, run: req.run.id });
        const own: Step[] = [
          { kind: 'file', path: `${SSH_STATE_DIR}/manifest.json`, content: JSON.stringify(manifest, null, 2) + '\n', mode: 0o644 },
          { kind: 'file', path: `${SSH_STATE_DIR}/down.sh`, content: teardownScript(manifest), mode: 0o755 },
        ];
        const script = `set -eu\n${renderSteps(own)}${recordBeforeScript(manifest)}${req.scripts.get(host)!}`;
        return this.connection(t).exec(asRoot(t.user, ['sh', '-s']), { stdin: script, wait: true, onStdout: (b) => reader.push(b), ...(req.signal ? { signal: req.signal } : {}) });
      },
    });
    const running: RegistryEntry = { ...entry, status: 'running' };
    await this.opts.registry.put(running);
    this.entries.set(spec.name, running);
    return { tails };
  }

  async destroy(lab: string, opts: { force?: boolean } = {}): Promise<string[]> {
    const entry = await this.entry(lab);
    return entry ? this.destroySpec(entry.spec, opts) : [];
  }

  /** Removes a lab from the machines its spec names (also a lab this user's registry does not know: `podnet down lab.yaml`). */
  async destroySpec(spec: LabSpec, opts: { force?: boolean } = {}): Promise<string[]> {
    const lab = spec.name;
    this.channels.closeLab(lab);
    const results = await Promise.allSettled(spec.hosts.map(async (h) => (await this.teardownHost(lab, targetOf(h), opts)).lines.map((l) => `${h.name}: ${l}`)));
    const failed = results.map((r, i) => [r, spec.hosts[i]!.name] as const).filter(([r]) => r.status === 'rejected');
    const owned = failed.map(([r]) => (r as PromiseRejectedResult).reason).find((e) => isPodnetError(e) && e.code === ERROR_CODES.LAB_OWNED);
    if (owned) throw owned;
    if (failed.length > 0) {
      const why = failed.map(([r, host]) => `${host}: ${((r as PromiseRejectedResult).reason as Error).message}`).join('\n');
      throw new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `lab ${lab} could not be removed from every machine:\n${why}`, {
        hint: `the other machines are clean; run podnet down ${lab} again when these are reachable`,
      });
    }
    await this.opts.registry.remove(lab);
    this.entries.delete(lab);
    return results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  }

  async discard(lab: string, run: string): Promise<{ removed: string[]; intact: boolean }> {
    const entry = await this.entry(lab);
    if (!entry || entry.run !== run) return { removed: [], intact: false };
    this.channels.closeLab(lab);
    const results = await Promise.allSettled(entry.spec.hosts.map((h) => this.teardownHost(lab, targetOf(h), { run })));
    await this.opts.registry.remove(lab);
    this.entries.delete(lab);
    const done = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ host: entry.spec.hosts[i]!.name, ...r.value }] : []));
    return { removed: done.flatMap((d) => d.lines.map((l) => `${d.host}: ${l}`)), intact: done.length === results.length && done.every((d) => d.found) };
  }

  async holds(lab: string, run: string): Promise<boolean> {
    return (await this.entry(lab))?.run === run;
  }

  async list(): Promise<LabSummary[]> {
    const all = (await this.opts.registry.all()).filter((e) => e.driver === 'ssh');
    for (const e of all) this.entries.set(e.name, e);
    return all.map((e) => this.summarize(e));
  }

  private summarize(e: RegistryEntry): LabSummary {
    const failed = e.status === 'building' && !builderAlive(e.builder);
    return {
      name: e.name,
      driver: 'ssh',
      mode: e.spec.network.mode,
      backend: e.spec.network.backend,
      status: failed ? 'failed' : e.status,
      faults: failed ? [{ part: 'build', problem: 'unfinished', message: `its build${builderPid(e.builder) ? ` (pid ${builderPid(e.builder)})` : ''} ended before the lab was up` }] : [],
      underlay: null,
      // Reachability is not known without trying: observation tries, and shows a host that is away as unreachable.
      hosts: e.spec.hosts.map((h) => ({ name: h.name, role: 'host' as const, address: e.underlay?.[h.name]?.ip ?? h.ssh?.address ?? null, pods: h.pods.map((p) => p.name), running: true })),
      source: e.source,
      owner: e.owner ?? null,
    };
  }

  async labSpec(lab: string): Promise<LabSpec | null> {
    return (await this.entry(lab))?.spec ?? null;
  }

  async exec(lab: string, host: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const t = await this.target(lab, host);
    return this.connection(t).exec(asRoot(t.user, argv), { ...opts, wait: true });
  }

  async spawn(lab: string, host: string, argv: string[], opts: SpawnOptions): Promise<SpawnedProcess> {
    const t = await this.target(lab, host);
    return spawnOverSsh(this.connection(t), (a) => asRoot(t.user, a), argv, opts);
  }

  channel(lab: string, host: string): ScriptChannel {
    return this.channels.get(lab, host, async () => {
      const t = await this.target(lab, host);
      // No waiting here: a machine that is away shows as unreachable at once, and is tried again with backoff.
      const { channel: c, exited } = await this.connection(t).openChannel(asRoot(t.user, ['sh']), { wait: false });
      return { stdin: c, stdout: c, stderr: c.stderr, onClose: (listener) => void exited.then(listener), close: () => c.close() };
    });
  }

  observeScope(lab: string, host: string): ObserveScope {
    return { underlayDev: this.entries.get(lab)?.underlay?.[host]?.dev ?? 'eth0', netnsPrefix: NETNS_PREFIX };
  }

  async shell(lab: string, host: string, argv: string[], opts: ShellOptions): Promise<ShellStream> {
    const t = await this.target(lab, host);
    const env = Object.entries({ TERM: 'xterm-256color', ...opts.env }).map(([k, v]) => `${k}=${v}`);
    return openSshShell(this.connection(t), asRoot(t.user, ['env', ...env, ...argv]), opts);
  }

  async collectGarbage(): Promise<GcResult> {
    const labs = (await this.opts.registry.all()).filter((x) => x.driver === 'ssh');
    return collectUnfinished(labs, { summary: (e) => this.summarize(e), remove: (e) => this.destroySpec(e.spec).then(() => undefined), keepUnremovable: true });
  }

  async dispose(): Promise<void> {
    this.channels.closeAll();
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }

  /**
   * Runs the host's own removal script if the state there is this lab's (and, with `run`, that build's).
   * Another user's lab there is refused (LAB_OWNED) unless `force`. `found`: the state was there and removed.
   */
  private async teardownHost(lab: string, t: SshTarget, opts: { force?: boolean; run?: string } = {}): Promise<{ lines: string[]; found: boolean }> {
    const d = SSH_STATE_DIR;
    const m = '"$d/manifest.json"';
    const script = `d=${q(d)}
[ -f ${m} ] || exit ${NOT_THERE}
grep -q ${q(`"lab": ${JSON.stringify(lab)},`)} ${m} || { echo "it holds another lab now; left alone" >&2; exit ${NOT_THERE}; }
${opts.run ? `grep -q ${q(`"run": ${JSON.stringify(opts.run)},`)} ${m} || { echo "another build's state; left alone" >&2; exit ${NOT_THERE}; }
` : ''}${
      opts.force ? '' : `if grep -q '^  "owner": ' ${m} && ! grep -q ${q(`"owner": ${JSON.stringify(currentOwner())},`)} ${m}; then sed -n 's/^  "owner": "\\(.*\\)",$/\\1/p' ${m} >&2; exit ${OTHERS}; fi
`
    }exec sh "$d/down.sh"`;
    const r = await this.connection(t).exec(asRoot(t.user, ['sh', '-c', script]), { wait: true, timeoutMs: TEARDOWN_TIMEOUT_MS });
    if (r.code === NOT_THERE) return { lines: [], found: false };
    if (r.code === OTHERS) throw othersLabError(lab, r.stderr.trim() || 'another user');
    if (r.code !== 0) throw new PodnetError(ERROR_CODES.APPLY, `${t.host}: removing the lab failed: ${r.stderr.trim() || `exit code ${r.code}`}`);
    return { lines: r.stdout.split('\n').filter(Boolean), found: true };
  }

  private connection(t: SshTarget): SshConnection {
    const key = connectionKey(t);
    let c = this.connections.get(key);
    if (!c) {
      c = new SshConnection(t, { known: this.opts.known, policy: this.opts.policy, ...(this.opts.waitMs !== undefined ? { waitMs: this.opts.waitMs } : {}) });
      this.connections.set(key, c);
    }
    return c;
  }

  private async entry(lab: string): Promise<RegistryEntry | null> {
    const e = await this.opts.registry.get(lab);
    if (e && e.driver === 'ssh') {
      this.entries.set(lab, e);
      return e;
    }
    return null;
  }

  private async target(lab: string, host: string): Promise<SshTarget> {
    const e = this.entries.get(lab) ?? (await this.entry(lab));
    const h = e?.spec.hosts.find((x) => x.name === host);
    if (!h?.ssh) throw noSuchHost(lab, host);
    return targetOf(h);
  }
}
