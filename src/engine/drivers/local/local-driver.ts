// Hosts as network namespaces on this machine — no Docker. The underlay is
// a bridge in its own namespace; each host's eth0 is a veth plugged into
// it; pods are namespaces joined to their host's bridge: the same plan as
// the docker driver, run with `nsenter` (see local-layout.ts). Nothing is
// created in the machine's own network namespace, so `down` (which kills
// what runs in the lab's namespaces and releases them) leaves no
// namespace, link or rule behind.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { ERROR_CODES } from '../../../shared/errors';
import type { ExecResult, LabFault, LabSummary } from '../../../shared/lab';
import { PodnetError, throwIfAborted } from '../../errors';
import { DOCKER_PLAN_CONTEXT } from '../../plan/plan-context';
import { underlayAddressOf } from '../../ipam/underlay-address';
import type { LabSpec } from '../../spec/lab-spec';
import { isValidName } from '../../spec/names';
import { builderAlive, builderPid, currentBuilder } from '../builder';
import { refuseOthersLab } from '../lab-owner';
import type { CreateRequest, CreateResult, ExecOptions, GcResult, HostDriver, ObserveScope, ShellOptions, ShellStream, SpawnOptions, SpawnedProcess } from '../host-driver';
import { noSuchHost } from '../host-errors';
import { applyHostScripts } from '../apply-host-scripts';
import { collectUnfinished } from '../collect-unfinished';
import { ChannelPool } from '../channel-pool';
import type { ScriptChannel } from '../script-channel';
import type { PlacementFacts } from '../../ipam/allocate-lab';
import { LOCAL_CAPABILITIES } from './local-definition';
import { LOCAL_ROOT, NETNS_DIR, SWITCH, hostNamespaces, labDir, labRecordFile, netnsName, nsenterArgv } from './local-layout';
import { checkLocalPrerequisites } from './local-preflight';
import { openProcessChannel, runProcess, spawnProcess } from './local-process';
import { hostPrelude, hostsFile, setupScript, teardownScript } from './local-scripts';
import { openLocalShell } from './local-shell';

interface LocalLabRecord {
  name: string;
  spec: LabSpec;
  source: string | null;
  builder: string;
  status: 'building' | 'running';
  createdAt: string;
  /** The build that made it, and whose it is (absent in labs of an older Podnet). */
  run?: string;
  owner?: string;
  underlay: string | null;
  hosts: { name: string; role: 'host' | 'internet'; address: string }[];
}

/** Hosts built at the same time (each is a few processes; the machine has other work too). */
const PARALLEL_HOSTS = 4;

export class LocalDriver implements HostDriver {
  readonly kind = 'local' as const;
  readonly capabilities = LOCAL_CAPABILITIES;
  /** Inside a host everything is as in a container: pods are `a`, `b`; files in /etc/podnet. */
  readonly planContext = DOCKER_PLAN_CONTEXT;
  private readonly channels = new ChannelPool();

  constructor(private readonly root = LOCAL_ROOT) {}

  async preflight(): Promise<void> {
    checkLocalPrerequisites();
  }

  /** The lab gets a switch namespace of its own: a free subnet is picked beside the other local labs' underlays. */
  async placement(): Promise<PlacementFacts> {
    return { takenSubnets: (await this.records()).map((r) => r.underlay ?? '').filter(Boolean) };
  }

  async ensureReady(): Promise<string> {
    return 'network namespaces on this machine';
  }

  async create(req: CreateRequest): Promise<CreateResult> {
    const { spec, allocation } = req;
    const lab = spec.name;
    const hosts = req.plan.hosts.map((hp) => ({
      name: hp.host,
      role: hp.role,
      address: underlayAddressOf(allocation, hp.host)!,
    }));
    const record: LocalLabRecord = { name: lab, spec, source: req.source, builder: currentBuilder(), status: 'building', createdAt: new Date().toISOString(), run: req.run.id, owner: req.run.owner, underlay: allocation.underlay.subnet, hosts };
    await mkdir(labDir(lab, this.root), { recursive: true });
    await this.writeRecord(record);
    throwIfAborted(req.signal);

    const setup = await runProcess(['sh', '-s'], { stdin: setupScript(lab, hosts.map((h) => h.name), allocation.underlay.mtu, this.root), ...(req.signal ? { signal: req.signal } : {}) });
    if (setup.code !== 0) throw new PodnetError(ERROR_CODES.APPLY, `creating the lab's namespaces failed: ${setup.stderr.trim().split('\n').slice(-4).join('\n')}`);
    req.onEvent({ type: 'underlay-ready', detail: `switch ${allocation.underlay.subnet}` });
    for (const h of hosts) req.onEvent({ type: 'host-created', host: h.name });

    const entries = allocation.hosts.map((h) => ({ name: h.name, ip: h.underlayIp }));
    if (allocation.internet) entries.push({ name: 'internet', ip: allocation.internet.address });
    const tails = await applyHostScripts({
      hosts: hosts.map((h) => h.name),
      limit: PARALLEL_HOSTS,
      onEvent: req.onEvent,
      run: (host, reader) =>
        runProcess(nsenterArgv(hostNamespaces(lab, host, this.root), ['sh', '-s']), {
          stdin: hostPrelude(lab, host, hostsFile(host, entries), this.root) + req.scripts.get(host)!,
          env: hostEnv(lab, host),
          onStdout: (b) => reader.push(b),
          ...(req.signal ? { signal: req.signal } : {}),
        }),
    });
    await this.writeRecord({ ...record, status: 'running' });
    return { tails };
  }

  async destroy(lab: string, opts: { force?: boolean } = {}): Promise<string[]> {
    if (!isValidName(lab)) return [];
    if (!opts.force) refuseOthersLab(lab, (await this.record(lab))?.owner);
    return this.teardown(lab);
  }

  private async teardown(lab: string): Promise<string[]> {
    this.channels.closeLab(lab);
    const r = await runProcess(['sh', '-s'], { stdin: teardownScript(lab, this.root) });
    if (r.code !== 0) throw new PodnetError(ERROR_CODES.APPLY, `removing lab ${lab} failed: ${r.stderr.trim()}`);
    return r.stdout.split('\n').filter(Boolean);
  }

  async discard(lab: string, run: string): Promise<{ removed: string[]; intact: boolean }> {
    const record = await this.record(lab);
    // The lab's folder holds another build's record: that build owns the namespaces now.
    if (record && record.run !== run) return { removed: [], intact: false };
    return { removed: await this.teardown(lab), intact: record !== null };
  }

  async holds(lab: string, run: string): Promise<boolean> {
    const record = await this.record(lab);
    return record?.run === run && record.hosts.every((h) => existsSync(`${NETNS_DIR}/${netnsName(lab, h.name)}`));
  }

  async list(): Promise<LabSummary[]> {
    return (await this.records()).map((r) => this.summarize(r));
  }

  private summarize(r: LocalLabRecord): LabSummary {
    const hosts = r.hosts.map((h) => ({
      name: h.name,
      role: h.role,
      address: h.address,
      pods: r.spec.hosts.find((s) => s.name === h.name)?.pods.map((p) => p.name) ?? [],
      running: existsSync(`${NETNS_DIR}/${netnsName(r.name, h.name)}`),
    }));
    let faults: LabFault[] = [];
    let status: LabSummary['status'];
    if (r.status === 'building') {
      status = builderAlive(r.builder) ? 'building' : 'failed';
      if (status === 'failed') faults = [{ part: 'build', problem: 'unfinished', message: `its build${builderPid(r.builder) ? ` (pid ${builderPid(r.builder)})` : ''} ended before the lab was up` }];
    } else {
      faults = hosts.filter((h) => !h.running).map((h) => ({ part: h.name, problem: 'missing' as const, message: `${h.name} missing (its namespace is gone)` }));
      if (!existsSync(`${NETNS_DIR}/${netnsName(r.name, SWITCH)}`)) faults.unshift({ part: 'underlay', problem: 'missing', message: 'the underlay switch missing (its namespace is gone)' });
      status = faults.length > 0 ? 'degraded' : 'running';
    }
    return { name: r.name, driver: 'local', mode: r.spec.network.mode, backend: r.spec.network.backend, status, faults, underlay: r.underlay, hosts, source: r.source, owner: r.owner ?? null };
  }

  async labSpec(lab: string): Promise<LabSpec | null> {
    return (await this.record(lab))?.spec ?? null;
  }

  async exec(lab: string, host: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return runProcess(nsenterArgv(this.namespaces(lab, host), argv), { ...opts, env: hostEnv(lab, host) });
  }

  spawn(lab: string, host: string, argv: string[], opts: SpawnOptions): Promise<SpawnedProcess> {
    return spawnProcess(nsenterArgv(this.namespaces(lab, host), argv), opts, hostEnv(lab, host));
  }

  channel(lab: string, host: string): ScriptChannel {
    return this.channels.get(lab, host, () => openProcessChannel(nsenterArgv(this.namespaces(lab, host), ['sh']), hostEnv(lab, host)));
  }

  observeScope(): ObserveScope {
    return { underlayDev: 'eth0', netnsPrefix: '' };
  }

  async shell(lab: string, host: string, argv: string[], opts: ShellOptions): Promise<ShellStream> {
    return openLocalShell(nsenterArgv(this.namespaces(lab, host), argv), { ...opts, env: { ...hostEnv(lab, host), ...opts.env } });
  }

  async collectGarbage(): Promise<GcResult> {
    // Only root can remove namespaces: another user's gc leaves local labs alone.
    if (process.getuid?.() !== 0) return { removed: [], kept: [] };
    const { removed, kept } = await collectUnfinished(await this.records(), { summary: (r) => this.summarize(r), remove: (r) => this.teardown(r.name).then(() => undefined) });
    // Namespaces of labs whose folder is gone (a removed /run/podnet). A lab's folder is made before its first
    // namespace, so a lab being built right now (by any process) always has one.
    const orphans = new Set(
      (await readdir(NETNS_DIR).catch(() => [] as string[]))
        .map((n) => /^podnet\.([a-z][a-z0-9-]*)\.[a-z][a-z0-9-]*$/.exec(n)?.[1])
        .filter((n): n is string => !!n && !existsSync(labDir(n, this.root))),
    );
    for (const lab of orphans) {
      await this.teardown(lab);
      removed.push(lab);
    }
    return { removed, kept };
  }

  async dispose(): Promise<void> {
    this.channels.closeAll();
  }

  private namespaces(lab: string, host: string) {
    if (!isValidName(lab) || !isValidName(host) || !existsSync(`${NETNS_DIR}/${netnsName(lab, host)}`)) {
      throw noSuchHost(lab, host, ' on this machine');
    }
    return hostNamespaces(lab, host, this.root);
  }

  private async record(lab: string): Promise<LocalLabRecord | null> {
    if (!isValidName(lab)) return null;
    try {
      return JSON.parse(await readFile(labRecordFile(lab, this.root), 'utf8')) as LocalLabRecord;
    } catch {
      return null;
    }
  }

  private async records(): Promise<LocalLabRecord[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const all = await Promise.all(names.map((n) => this.record(n)));
    return all.filter((r): r is LocalLabRecord => r !== null).sort((a, b) => a.name.localeCompare(b.name));
  }

  private async writeRecord(r: LocalLabRecord): Promise<void> {
    await writeFile(labRecordFile(r.name, this.root), JSON.stringify(r, null, 2) + '\n', { mode: 0o600 });
  }
}

function hostEnv(lab: string, host: string): Record<string, string> {
  return { PODNET_LAB: lab, PODNET_HOST: host };
}
