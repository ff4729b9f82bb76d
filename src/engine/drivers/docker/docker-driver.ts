// Hosts as Docker containers (dockerode). The underlay is not a Docker
// network: it is a per-lab "switch" container holding one bridge, and each
// host's eth0 is a veth plugged into it — so lab traffic never touches the
// Docker host's bridges or iptables, and has no way out of the lab.
// Every container carries the lab's labels; `destroy` and `collectGarbage`
// find everything by them alone. Each host is created, started, plugged in
// and configured in its own pipeline (one exec per host), all in parallel.
import { containerSysctls } from './container-sysctls';
import { setMaxListeners } from 'node:events';
import type Docker from 'dockerode';
import { ERROR_CODES } from '../../../shared/errors';
import type { ExecResult, LabSummary } from '../../../shared/lab';
import { PodnetError, cancelledError, isPodnetError, throwIfAborted } from '../../errors';
import { underlayMac } from '../../ipam/identifiers';
import { DOCKER_PLAN_CONTEXT } from '../../plan/plan-context';
import type { HostPlan } from '../../plan/step';
import type { LabRegistry } from '../../registry/lab-registry';
import type { LabSpec } from '../../spec/lab-spec';
import type { CreateRequest, CreateResult, ExecOptions, GcResult, HostDriver, ImageBuildOptions, ImageProgress, ObserveScope, ReviveRequest, ReviveResult, ShellOptions, ShellStream, SpawnOptions, SpawnedProcess } from '../host-driver';
import type { PlacementFacts } from '../../ipam/allocate-lab';
import { DOCKER_CAPABILITIES } from './docker-definition';
import type { Allocation } from '../../ipam/allocation';
import { underlayAddressOf } from '../../ipam/underlay-address';
import { currentBuilder } from '../builder';
import { collectUnfinished } from '../collect-unfinished';
import { refuseOthersLab } from '../lab-owner';
import { PhaseReader } from '../phase-reader';
import { ChannelPool } from '../channel-pool';
import type { ScriptChannel } from '../script-channel';
import { Semaphore } from '../../util/semaphore';
import { createContainer } from './create-container';
import { guardDockerCalls } from './docker-calls';
import { openExecChannel, runExec, spawnExec } from './docker-exec';
import { BUILT_ROLE, LABELS, SWITCH, SWITCH_BRIDGE, builtMarkerName, containerName, labFilter, runFilter, switchPortName } from './docker-identity';
import { labObjects, parseSpecLabel, summarize, switchOf, unpluggedHosts, type LabObjects } from './docker-lab-status';
import { hostError } from './docker-host-errors';
import { openDockerShell } from './docker-shell';
import { NODE_IMAGE, buildNodeImage, imageExists, type ImageMethod } from './node-image';

export interface DockerDriverOptions {
  docker: Docker;
  resourcesDir: string;
  /** How to build the node image when it is missing. */
  imageMethod?: ImageMethod;
  /** Shown in errors: which engine this is (e.g. ssh://user@box). */
  engineLabel?: string;
  /** Remote engines: labs are recorded here so that `ls`, `down` and `gc` know which engine to ask. */
  registry?: LabRegistry;
}

const CAPS = ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'];
/** No IPv6 on lab interfaces: keeps captures to what the lab is about. */
const IPV6_OFF = { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' };
/**
 * A container that starts again has a new network namespace but its old files: the pods' namespace files
 * (nothing is mounted on them any more) and the ready mark are left-overs that would stop the plan.
 */
const FORGET_OLD_NETWORK_STATE = `for f in /run/netns/*; do [ -e "$f" ] || continue; umount "$f" 2>/dev/null; rm -f "$f"; done; rm -f ${DOCKER_PLAN_CONTEXT.stateDir}/ready`;
/**
 * The switch plugs every host in, one after another over one shell: with 200
 * hosts starting at once on two cores, one `ip link add` can wait long for
 * the kernel's rtnl lock (the 10 s a script channel allows by default made
 * `hosts: 200` fail after a minute).
 */
const SWITCH_STEP_TIMEOUT_MS = 180_000;
/**
 * A host back on the underlay greets each peer once (`sh -c … sh <peer ip>…`), as a booting machine's first
 * packets do: the ARP request carries its address, and each peer's neighbour entry for it — FAILED while it was
 * away — is usable again at once, instead of losing the first packets sent to it.
 */
const ANNOUNCE_ON_UNDERLAY = 'for ip in "$@"; do ping -n -c 1 -W 1 "$ip" >/dev/null 2>&1 & done; wait';
/**
 * Containers being created and started at once. Docker does this work one
 * container at a time anyway; asking for 200 at once made each call wait for
 * all the others (54 s for one start), near any deadline, and Docker
 * unresponsive for everyone else meanwhile. 32: a 20-host lab still starts
 * all its hosts at once.
 */
const CONTAINER_STARTS_AT_ONCE = 32;

function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number })?.statusCode === 404;
}

/** Someone else is removing it right now (`podnet down` in another process): as good as gone. */
function isBeingRemoved(e: unknown): boolean {
  return (e as { statusCode?: number })?.statusCode === 409 && /removal .* in progress/i.test((e as Error).message ?? '');
}

/** Container states of something on its way out. */
const GOING = new Set(['removing', 'dead']);

export class DockerDriver implements HostDriver {
  readonly kind = 'docker' as const;
  readonly capabilities = DOCKER_CAPABILITIES;
  readonly planContext = DOCKER_PLAN_CONTEXT;
  private readonly channels = new ChannelPool();
  private readonly docker: Docker;
  /** What each build in this process created (container ids, the marker volume): a failed build removes exactly these. */
  private readonly made = new Map<string, Set<string>>();
  private readonly starts = new Semaphore(CONTAINER_STARTS_AT_ONCE);

  constructor(private readonly opts: DockerDriverOptions) {
    this.docker = guardDockerCalls(opts.docker, opts.engineLabel ?? process.env.DOCKER_HOST ?? 'the local socket');
  }

  async buildImage(opts: ImageBuildOptions): Promise<string> {
    await this.preflight();
    return buildNodeImage(this.docker, { resourcesDir: this.opts.resourcesDir, method: opts.method ?? 'auto', onLine: opts.onLine, ...(opts.signal ? { signal: opts.signal } : {}) });
  }

  async preflight(): Promise<void> {
    try {
      await Promise.race([this.docker.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref())]);
    } catch (e) {
      // The socket's own error code (ECONNREFUSED, ENOENT), also under a readable call error.
      const errno = (x: unknown) => (x as { code?: string })?.code;
      const reason = (isPodnetError(e) ? errno(e.cause) : errno(e)) ?? (e instanceof Error ? e.message : String(e));
      const where = this.opts.engineLabel ?? process.env.DOCKER_HOST ?? 'the local Docker socket (/var/run/docker.sock)';
      throw new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `Docker is not reachable at ${where} (${reason})`, {
        hint: this.opts.engineLabel
          ? `check that \`docker -H ${this.opts.engineLabel} info\` works from this machine`
          : 'start the Docker daemon (`sudo systemctl start docker`, or `sudo dockerd &` where there is no systemd) and make sure you may use it (root, or a member of the `docker` group)',
      });
    }
  }

  /** The lab gets a switch of its own: a free subnet is picked beside Docker's networks and other labs' underlays. */
  async placement(): Promise<PlacementFacts> {
    return { takenSubnets: await this.takenSubnets() };
  }

  private async takenSubnets(): Promise<string[]> {
    const [nets, labs] = await Promise.all([this.docker.listNetworks(), this.docker.listContainers({ all: true, filters: { label: [LABELS.underlay] } })]);
    const dockerNets = nets.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? ''));
    const labUnderlays = labs.map((c) => c.Labels[LABELS.underlay] ?? '');
    return [...dockerNets, ...labUnderlays].filter((s) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s));
  }

  async ensureReady(onProgress: ImageProgress, signal?: AbortSignal): Promise<string> {
    if (await imageExists(this.docker, NODE_IMAGE)) return `${NODE_IMAGE} present`;
    const method = await buildNodeImage(this.docker, { resourcesDir: this.opts.resourcesDir, method: this.opts.imageMethod ?? 'auto', onLine: onProgress, signal });
    return `${NODE_IMAGE} built (${method})`;
  }

  async create(req: CreateRequest): Promise<CreateResult> {
    const builder = currentBuilder();
    const record = (status: 'building' | 'running') =>
      this.opts.registry?.put({ name: req.spec.name, driver: 'docker', engine: this.opts.engineLabel ?? null, spec: req.spec, source: req.source, builder, status, createdAt: new Date().toISOString(), run: req.run.id, owner: req.run.owner });
    this.made.set(req.run.id, new Set());
    await record('building');
    // One pipeline per host, and one for the switch; the first failure stops the others early.
    const failFast = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, failFast.signal]) : failFast.signal;
    setMaxListeners(8 * (req.plan.hosts.length + 2), signal);
    // The first failure is the one to report: what fails after it only failed because the build was stopped.
    let firstFailure: { error: unknown } | null = null;
    const guard = <T>(p: Promise<T>): Promise<T> =>
      p.catch((e: unknown) => {
        if (!firstFailure && !signal.aborted) firstFailure = { error: e };
        failFast.abort();
        throw e;
      });
    // A stopped build closes its warm channels: a script running in a container removed meanwhile is never reported ended.
    signal.addEventListener('abort', () => this.channels.closeLab(req.spec.name), { once: true });
    const switchReady = guard(this.buildSwitch(req, builder, signal));
    switchReady.catch(() => undefined);
    const tails = new Map<string, string>();
    const results = await Promise.allSettled([
      switchReady,
      ...req.plan.hosts.map((hp) => guard(this.buildHost(req, hp, builder, signal, switchReady).then((tail) => void tails.set(hp.host, tail)))),
    ]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    if (failures.length > 0) {
      if (req.signal?.aborted) throw cancelledError();
      throw (firstFailure as { error: unknown } | null)?.error ?? failures.find((f) => !(isPodnetError(f) && f.code === ERROR_CODES.CANCELLED)) ?? failures[0];
    }
    // Complete: labels cannot change, so the mark is an object of its own (an empty volume).
    const marker = builtMarkerName(req.spec.name);
    await this.docker.createVolume({ Name: marker, Labels: { ...this.identity(req, builder), [LABELS.role]: BUILT_ROLE } });
    this.made.get(req.run.id)?.add(`volume:${marker}`);
    await record('running');
    return { tails };
  }

  /** The labels every object of a build carries. */
  private identity(req: CreateRequest, builder: string): Record<string, string> {
    return { [LABELS.lab]: req.spec.name, [LABELS.builder]: builder, [LABELS.owner]: req.run.owner, [LABELS.run]: req.run.id };
  }

  /** Creates a container of a build, remembered as this build's. */
  private async createContainer(req: CreateRequest, options: Docker.ContainerCreateOptions & { name: string }): Promise<Docker.Container> {
    const container = await createContainer(this.docker, options);
    this.made.get(req.run.id)?.add(container.id);
    return container;
  }

  /** The underlay: a container holding one bridge, with no uplink at all. It also holds the lab's description. */
  private async buildSwitch(req: CreateRequest, builder: string, signal: AbortSignal): Promise<void> {
    const { spec, allocation } = req;
    const subnet = allocation.underlay.subnet!;
    throwIfAborted(signal);
    const container = await this.createContainer(req, {
      name: containerName(spec.name, SWITCH),
      Hostname: SWITCH,
      Image: NODE_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: {
        ...this.identity(req, builder),
        [LABELS.host]: SWITCH,
        [LABELS.role]: 'switch',
        [LABELS.spec]: JSON.stringify(spec),
        [LABELS.source]: req.source ?? '',
        [LABELS.underlay]: subnet,
      },
      StopTimeout: 1,
      HostConfig: {
        NetworkMode: 'none',
        // Only to plug veths into the hosts' namespaces (by PID); nothing runs here but `sleep`.
        PidMode: 'host',
        CapAdd: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_PTRACE'],
        SecurityOpt: ['apparmor=unconfined'],
        Init: true,
        Sysctls: IPV6_OFF,
      },
    });
    throwIfAborted(signal);
    await container.start();
    // The switch's warm channel then plugs in every host (a few ms each, instead of one exec each).
    const r = await this.channel(spec.name, SWITCH).run(`ip link add ${SWITCH_BRIDGE} type bridge && ip link set ${SWITCH_BRIDGE} mtu ${allocation.underlay.mtu} up`, SWITCH_STEP_TIMEOUT_MS);
    if (r.code !== 0) throw new PodnetError(ERROR_CODES.APPLY, `creating the underlay switch failed: ${r.stderr.trim()}`);
    req.onEvent({ type: 'underlay-ready', detail: `switch ${subnet}` });
  }

  /** Plugs a started host container into the switch: a veth pair whose host end is created as eth0 in the host's namespace. */
  private async plugIntoSwitch(lab: string, host: string, allocation: Allocation): Promise<void> {
    const mtu = allocation.underlay.mtu;
    const mac = underlayMac(underlayIpOf(allocation, host));
    const info = await this.docker.getContainer(containerName(lab, host)).inspect();
    const pid = info.State.Pid;
    if (!Number.isInteger(pid) || pid <= 0) throw new PodnetError(ERROR_CODES.APPLY, `${host}: the container is not running`);
    const port = switchPortName(host);
    const r = await this.channel(lab, SWITCH).run(`ip link add ${port} mtu ${mtu} type veth peer name eth0 address ${mac} mtu ${mtu} netns ${pid} && ip link set ${port} master ${SWITCH_BRIDGE} up`, SWITCH_STEP_TIMEOUT_MS);
    if (r.code !== 0) throw new PodnetError(ERROR_CODES.APPLY, `${host}: plugging eth0 into the underlay failed: ${r.stderr.trim()}`);
  }

  private async buildHost(req: CreateRequest, hp: HostPlan, builder: string, signal: AbortSignal, switchReady: Promise<void>): Promise<string> {
    const { spec, allocation } = req;
    throwIfAborted(signal);
    // At most CONTAINER_STARTS_AT_ONCE containers are created and started at a time.
    await this.starts.run(async () => {
      const container = await this.createContainer(req, hostContainer(spec.name, allocation, hp, this.identity(req, builder)));
      throwIfAborted(signal);
      await container.start();
    });
    req.onEvent({ type: 'host-created', host: hp.host });
    await switchReady;
    throwIfAborted(signal);
    await this.plugIntoSwitch(spec.name, hp.host, allocation);
    throwIfAborted(signal);
    return this.applyPlan(spec.name, hp.host, req.scripts.get(hp.host)!, signal, new PhaseReader(hp.host, req.onEvent));
  }

  /** Runs a host's plan script (one round trip); returns what it printed after its last phase. */
  private async applyPlan(lab: string, host: string, script: string, signal: AbortSignal | undefined, reader: PhaseReader): Promise<string> {
    const result = await runExec(this.docker, containerName(lab, host), ['sh', '-s'], { stdin: script, ...(signal ? { signal } : {}), onStdout: (chunk) => reader.push(chunk) });
    reader.check(result);
    return reader.tail;
  }

  async revive(req: ReviveRequest): Promise<ReviveResult> {
    const lab = req.spec.name;
    const objects = (await this.labs()).find((l) => l.name === lab);
    const sw = objects && switchOf(objects);
    if (!objects || !sw) {
      throw new PodnetError(ERROR_CODES.APPLY, `lab ${lab} has lost its underlay switch (the container that holds its description)`, { hint: `build it again: podnet down ${lab}, then podnet up <lab.yaml>` });
    }
    const done: string[] = [];
    const tails = new Map<string, string>();
    const problem = (part: string) => req.faults.find((f) => f.part === part)?.problem;
    // A paused part only needs to go on: it kept its state.
    const paused = req.faults.filter((f) => f.problem === 'paused').map((f) => f.part);
    for (const part of paused) {
      await this.docker.getContainer(part === 'underlay' ? sw.Id : containerName(lab, part)).unpause();
      done.push(`${part === 'underlay' ? 'the underlay switch' : part}: unpaused`);
    }
    // A switch that stopped lost its bridge, and with it every host's eth0 (each is one end of a veth pair): all hosts start again.
    const switchStopped = problem('underlay') === 'stopped';
    if (switchStopped) {
      await this.docker.getContainer(sw.Id).start();
      this.channels.closeLab(lab);
      const r = await this.channel(lab, SWITCH).run(`ip link add ${SWITCH_BRIDGE} type bridge && ip link set ${SWITCH_BRIDGE} mtu ${req.allocation.underlay.mtu} up`, SWITCH_STEP_TIMEOUT_MS);
      if (r.code !== 0) throw new PodnetError(ERROR_CODES.APPLY, `starting the underlay switch again failed: ${r.stderr.trim()}`);
      done.push('the underlay switch: started, bridge created again');
    }
    const again = req.plan.hosts.filter((hp) => switchStopped || ['stopped', 'restarted', 'missing'].includes(problem(hp.host) ?? ''));
    // A host made again belongs to the lab as it was built (its owner, its build), made by this process.
    const keep = (label: string) => (sw.Labels[label] !== undefined ? { [label]: sw.Labels[label] } : {});
    const identity = { ...keep(LABELS.lab), ...keep(LABELS.owner), ...keep(LABELS.run), [LABELS.builder]: currentBuilder() };
    await Promise.all(
      again.map(async (hp) => {
        const existing = objects.containers.find((c) => c !== sw && c.Labels[LABELS.host] === hp.host);
        if (existing) {
          // Started afresh even when it runs: what is left of its network state cannot be trusted.
          await this.docker.getContainer(existing.Id).restart({ t: 1 });
        } else {
          await (await createContainer(this.docker, hostContainer(lab, req.allocation, hp, identity))).start();
        }
        const r = await runExec(this.docker, containerName(lab, hp.host), ['sh', '-c', FORGET_OLD_NETWORK_STATE]);
        if (r.code !== 0) throw new PodnetError(ERROR_CODES.APPLY, `${hp.host}: clearing what the old network namespace left failed: ${r.stderr.trim()}`);
        await this.plugIntoSwitch(lab, hp.host, req.allocation);
        tails.set(hp.host, await this.applyPlan(lab, hp.host, req.scripts.get(hp.host)!, req.signal, new PhaseReader(hp.host, () => undefined)));
        const own = underlayIpOf(req.allocation, hp.host);
        const peers = [...req.allocation.hosts.map((h) => h.underlayIp), req.allocation.internet?.underlayIp].filter((ip): ip is string => !!ip && ip !== own);
        await runExec(this.docker, containerName(lab, hp.host), ['sh', '-c', ANNOUNCE_ON_UNDERLAY, 'sh', ...peers]);
        done.push(`${hp.host}: ${existing ? 'started afresh' : 'created again'}, plugged into the underlay, its plan applied again`);
      }),
    );
    return { tails, done };
  }

  async destroy(lab: string, opts: { force?: boolean } = {}): Promise<string[]> {
    const containers = await this.docker.listContainers({ all: true, filters: labFilter(lab) });
    if (!opts.force) refuseOthersLab(lab, containers.find((c) => c.Labels[LABELS.role] === 'switch')?.Labels[LABELS.owner] ?? containers[0]?.Labels[LABELS.owner] ?? null);
    this.channels.closeLab(lab);
    const removed = await this.remove(containers, labFilter(lab));
    await this.opts.registry?.remove(lab);
    return removed;
  }

  /** Removes these containers, then the networks and volumes that match `filters`; returns their names. */
  private async remove(containers: Docker.ContainerInfo[], filters: { label: string[] }): Promise<string[]> {
    const removed: string[] = [];
    await Promise.all(
      containers.map(async (c) => {
        try {
          await this.docker.getContainer(c.Id).remove({ force: true, v: true });
          removed.push(c.Names[0]?.replace(/^\//, '') ?? c.Id);
        } catch (e) {
          if (!isNotFound(e) && !isBeingRemoved(e)) throw e;
        }
      }),
    );
    const networks = await this.docker.listNetworks({ filters });
    for (const n of networks) {
      try {
        await this.docker.getNetwork(n.Id).remove();
        removed.push(n.Name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const { Volumes } = await this.docker.listVolumes({ filters });
    for (const v of Volumes ?? []) {
      await this.docker.getVolume(v.Name).remove({ force: true }).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
      // The "built" marker is bookkeeping, not a part of the lab worth naming.
      if (v.Labels?.[LABELS.role] !== BUILT_ROLE) removed.push(v.Name);
    }
    return removed;
  }

  async discard(lab: string, run: string): Promise<{ removed: string[]; intact: boolean }> {
    const made = this.made.get(run) ?? new Set<string>();
    this.made.delete(run);
    const [containers, { Volumes }] = await Promise.all([this.docker.listContainers({ all: true, filters: runFilter(lab, run) }), this.docker.listVolumes({ filters: runFilter(lab, run) })]);
    const present = new Set([...containers.filter((c) => !GOING.has(c.State)).map((c) => c.Id), ...(Volumes ?? []).map((v) => `volume:${v.Name}`)]);
    const intact = [...made].every((id) => present.has(id));
    this.channels.closeLab(lab);
    const removed = await this.remove(containers, runFilter(lab, run));
    const entry = await this.opts.registry?.get(lab);
    if (entry?.run === run) await this.opts.registry?.remove(lab);
    return { removed, intact };
  }

  async holds(lab: string, run: string): Promise<boolean> {
    const made = this.made.get(run);
    if (!made) return false;
    const [containers, { Volumes }] = await Promise.all([this.docker.listContainers({ all: true, filters: runFilter(lab, run) }), this.docker.listVolumes({ filters: runFilter(lab, run) })]);
    const present = new Set([...containers.filter((c) => c.State === 'running').map((c) => c.Id), ...(Volumes ?? []).map((v) => `volume:${v.Name}`)]);
    return [...made].every((id) => present.has(id));
  }

  async list(opts: { health?: boolean } = {}): Promise<LabSummary[]> {
    return Promise.all((await this.labs()).map((lab) => this.summary(lab, opts.health ?? false)));
  }

  /** A lab's summary; `health`: a complete lab's switch is read too, for hosts that restarted unseen. */
  private async summary(lab: LabObjects, health: boolean): Promise<LabSummary> {
    const summary = summarize(lab);
    const complete = summary.status === 'running' || summary.status === 'degraded';
    return health && complete ? summarize(lab, await this.unplugged(lab)) : summary;
  }

  /** Every lab's containers and whether it was completely built. */
  private async labs(): Promise<LabObjects[]> {
    const [containers, { Volumes }] = await Promise.all([
      this.docker.listContainers({ all: true, filters: labFilter() }),
      this.docker.listVolumes({ filters: { label: [`${LABELS.role}=${BUILT_ROLE}`] } }),
    ]);
    return labObjects(containers, new Set((Volumes ?? []).map((v) => v.Labels?.[LABELS.lab] ?? '')));
  }

  /** Running hosts whose switch port is gone (restarted: their network namespace is new). One read of the switch. */
  private async unplugged(lab: LabObjects): Promise<string[]> {
    if (switchOf(lab)?.State !== 'running') return [];
    const r = await this.channel(lab.name, SWITCH)
      .run(`ip -o link show master ${SWITCH_BRIDGE}`, 5000)
      .catch(() => null);
    if (!r || r.code !== 0) return [];
    const ports = r.stdout.split('\n').map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? '').filter(Boolean);
    return unpluggedHosts(lab, ports);
  }

  async labSpec(lab: string): Promise<LabSpec | null> {
    const [sw] = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.lab}=${lab}`, `${LABELS.role}=switch`] } });
    return parseSpecLabel(sw?.Labels[LABELS.spec]);
  }

  async exec(lab: string, host: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return runExec(this.docker, containerName(lab, host), argv, opts).catch((e: unknown) => {
      throw hostError(lab, host, e);
    });
  }

  async spawn(lab: string, host: string, argv: string[], opts: SpawnOptions): Promise<SpawnedProcess> {
    return spawnExec(this.docker, containerName(lab, host), argv, opts).catch((e: unknown) => {
      throw hostError(lab, host, e);
    });
  }

  channel(lab: string, host: string): ScriptChannel {
    return this.channels.get(lab, host, () =>
      openExecChannel(this.docker, containerName(lab, host), ['sh']).catch((e: unknown) => {
        throw hostError(lab, host, e);
      }),
    );
  }

  observeScope(): ObserveScope {
    return { underlayDev: 'eth0', netnsPrefix: '' };
  }

  shell(lab: string, host: string, argv: string[], opts: ShellOptions): Promise<ShellStream> {
    return openDockerShell(this.docker, containerName(lab, host), argv, opts).catch((e: unknown) => {
      throw hostError(lab, host, e);
    });
  }

  async collectGarbage(): Promise<GcResult> {
    return collectUnfinished(await this.labs(), {
      summary: summarize,
      kept: (lab) => this.summary(lab, true),
      remove: async (lab) => {
        this.channels.closeLab(lab.name);
        await this.remove(lab.containers, labFilter(lab.name));
        await this.opts.registry?.remove(lab.name);
      },
    });
  }

  async dispose(): Promise<void> {
    this.channels.closeAll();
  }
}

function extraHosts(allocation: Allocation): string[] {
  const entries = allocation.hosts.map((h) => `${h.name}:${h.underlayIp}`);
  if (allocation.internet) entries.push(`internet:${allocation.internet.address}`);
  return entries;
}

/** A host's container: the node image, no Docker network (eth0 comes from the lab's own switch), the lab's labels. */
/** A host's (or the internet node's) address on the underlay. */
function underlayIpOf(allocation: Allocation, host: string): string {
  const ip = underlayAddressOf(allocation, host);
  if (!ip) throw new Error(`no underlay address allocated for ${host}`);
  return ip;
}

function hostContainer(lab: string, allocation: Allocation, hp: HostPlan, identity: Record<string, string>): Docker.ContainerCreateOptions & { name: string } {
  const ip = underlayIpOf(allocation, hp.host);
  return {
    name: containerName(lab, hp.host),
    Hostname: hp.host,
    Image: NODE_IMAGE,
    Cmd: ['sleep', 'infinity'],
    Env: [`PODNET_LAB=${lab}`, `PODNET_HOST=${hp.host}`],
    Labels: { ...identity, [LABELS.host]: hp.host, [LABELS.role]: hp.role, [LABELS.address]: ip },
    StopTimeout: 1,
    HostConfig: {
      CapAdd: CAPS,
      Init: true,
      NetworkMode: 'none',
      SecurityOpt: ['apparmor=unconfined'],
      Sysctls: { 'net.ipv4.ip_forward': '1', ...IPV6_OFF, ...containerSysctls(hp) },
      // Lab hosts find each other by name without any DNS server.
      ExtraHosts: extraHosts(allocation),
    },
  };
}

