// Hosts as Docker containers (dockerode). The underlay is not a Docker
// network: it is a per-lab "switch" container holding one bridge, and each
// host's eth0 is a veth plugged into it — so lab traffic never touches the
// Docker host's bridges or iptables, and has no way out of the lab.
// Every container carries the lab's labels; `destroy` and `collectGarbage`
// find everything by them alone. Each host is created, started, plugged in
// and configured in its own pipeline (one exec per host), all in parallel.
import { setMaxListeners } from 'node:events';
import type Docker from 'dockerode';
import { ERROR_CODES } from '../../../shared/errors';
import type { ExecResult, LabHostSummary, LabSummary } from '../../../shared/lab';
import { PodnetError, isPodnetError, throwIfAborted } from '../../errors';
import { DOCKER_PLAN_CONTEXT } from '../../plan/plan-context';
import type { HostPlan } from '../../plan/step';
import type { LabRegistry } from '../../registry/lab-registry';
import type { LabSpec } from '../../spec/lab-spec';
import type { CreateRequest, CreateResult, ExecOptions, HostDriver, ImageProgress, ObserveScope, ShellOptions, ShellStream, SpawnOptions, SpawnedProcess } from '../host-driver';
import { builderAlive, currentBuilder, currentOwner } from '../builder';
import { PhaseReader } from '../phase-reader';
import { ChannelPool } from '../channel-pool';
import type { ScriptChannel } from '../script-channel';
import { openExecChannel, runExec, spawnExec } from './docker-exec';
import { LABELS, SWITCH, SWITCH_BRIDGE, containerName, labFilter, switchPortName } from './docker-identity';
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
const READY_FILE = `${DOCKER_PLAN_CONTEXT.stateDir}/ready`;

function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number })?.statusCode === 404;
}

export class DockerDriver implements HostDriver {
  readonly kind = 'docker' as const;
  readonly planContext = DOCKER_PLAN_CONTEXT;
  private readonly channels = new ChannelPool();
  private readonly docker: Docker;

  constructor(private readonly opts: DockerDriverOptions) {
    this.docker = opts.docker;
  }

  /** The engine's client (image builds). */
  get client(): Docker {
    return this.docker;
  }

  async preflight(): Promise<void> {
    try {
      await Promise.race([this.docker.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref())]);
    } catch (e) {
      const reason = (e as { code?: string })?.code ?? (e instanceof Error ? e.message : String(e));
      const where = this.opts.engineLabel ?? process.env.DOCKER_HOST ?? 'the local Docker socket (/var/run/docker.sock)';
      throw new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `Docker is not reachable at ${where} (${reason})`, {
        hint: this.opts.engineLabel
          ? `check that \`docker -H ${this.opts.engineLabel} info\` works from this machine`
          : 'start the Docker daemon (`sudo systemctl start docker`, or `sudo dockerd &` where there is no systemd) and make sure you may use it (root, or a member of the `docker` group)',
      });
    }
  }

  async takenSubnets(): Promise<string[]> {
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
      this.opts.registry?.put({ name: req.spec.name, driver: 'docker', engine: this.opts.engineLabel ?? null, spec: req.spec, source: req.source, builder, owner: currentOwner(), status, createdAt: new Date().toISOString() });
    await record('building');
    // One pipeline per host, and one for the switch; the first failure stops the others early.
    const failFast = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, failFast.signal]) : failFast.signal;
    setMaxListeners(8 * (req.plan.hosts.length + 2), signal);
    const guard = <T>(p: Promise<T>): Promise<T> =>
      p.catch((e: unknown) => {
        failFast.abort();
        throw e;
      });
    const switchReady = guard(this.buildSwitch(req, builder, signal));
    switchReady.catch(() => undefined);
    const tails = new Map<string, string>();
    const results = await Promise.allSettled([
      switchReady,
      ...req.plan.hosts.map((hp) => guard(this.buildHost(req, hp, builder, signal, switchReady).then((tail) => void tails.set(hp.host, tail)))),
    ]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    if (failures.length > 0) {
      throw failures.find((f) => !(isPodnetError(f) && f.code === ERROR_CODES.CANCELLED)) ?? failures[0];
    }
    await record('running');
    return { tails };
  }

  /** The underlay: a container holding one bridge, with no uplink at all. It also holds the lab's description. */
  private async buildSwitch(req: CreateRequest, builder: string, signal: AbortSignal): Promise<void> {
    const { spec, allocation } = req;
    const subnet = allocation.underlay.subnet!;
    throwIfAborted(signal);
    const container = await this.docker.createContainer({
      name: containerName(spec.name, SWITCH),
      Hostname: SWITCH,
      Image: NODE_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: {
        [LABELS.lab]: spec.name,
        [LABELS.host]: SWITCH,
        [LABELS.role]: 'switch',
        [LABELS.builder]: builder,
        [LABELS.spec]: JSON.stringify(spec),
        [LABELS.source]: req.source ?? '',
        [LABELS.underlay]: subnet,
        [LABELS.owner]: currentOwner(),
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
    const r = await this.channel(spec.name, SWITCH).run(`ip link add ${SWITCH_BRIDGE} type bridge && ip link set ${SWITCH_BRIDGE} mtu ${allocation.underlay.mtu} up`);
    if (r.code !== 0) throw new PodnetError(ERROR_CODES.APPLY, `creating the underlay switch failed: ${r.stderr.trim()}`);
    req.onEvent({ type: 'underlay-ready', detail: `switch ${subnet}` });
  }

  /** Plugs a started host container into the switch: a veth pair whose host end is created as eth0 in the host's namespace. */
  private async plugIntoSwitch(lab: string, host: string, mtu: number): Promise<void> {
    const info = await this.docker.getContainer(containerName(lab, host)).inspect();
    const pid = info.State.Pid;
    if (!Number.isInteger(pid) || pid <= 0) throw new PodnetError(ERROR_CODES.APPLY, `${host}: the container is not running`);
    const port = switchPortName(host);
    const r = await this.channel(lab, SWITCH).run(`ip link add ${port} mtu ${mtu} type veth peer name eth0 mtu ${mtu} netns ${pid} && ip link set ${port} master ${SWITCH_BRIDGE} up`);
    if (r.code !== 0) throw new PodnetError(ERROR_CODES.APPLY, `${host}: plugging eth0 into the underlay failed: ${r.stderr.trim()}`);
  }

  private async buildHost(req: CreateRequest, hp: HostPlan, builder: string, signal: AbortSignal, switchReady: Promise<void>): Promise<string> {
    const { spec, allocation } = req;
    const ip = hp.role === 'internet' ? allocation.internet!.underlayIp : allocation.hosts.find((h) => h.name === hp.host)!.underlayIp;
    const name = containerName(spec.name, hp.host);
    throwIfAborted(signal);
    const container = await this.docker.createContainer({
      name,
      Hostname: hp.host,
      Image: NODE_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Env: [`PODNET_LAB=${spec.name}`, `PODNET_HOST=${hp.host}`],
      Labels: { [LABELS.lab]: spec.name, [LABELS.host]: hp.host, [LABELS.role]: hp.role, [LABELS.builder]: builder, [LABELS.address]: ip },
      StopTimeout: 1,
      HostConfig: {
        CapAdd: CAPS,
        Init: true,
        // No Docker network: eth0 comes from the lab's own underlay switch.
        NetworkMode: 'none',
        SecurityOpt: ['apparmor=unconfined'],
        Sysctls: { 'net.ipv4.ip_forward': '1', ...IPV6_OFF },
        // Lab hosts find each other by name without any DNS server.
        ExtraHosts: extraHosts(req),
      },
    });
    throwIfAborted(signal);
    await container.start();
    req.onEvent({ type: 'host-created', host: hp.host });
    await switchReady;
    throwIfAborted(signal);
    await this.plugIntoSwitch(spec.name, hp.host, allocation.underlay.mtu);
    throwIfAborted(signal);

    const reader = new PhaseReader(hp.host, req.onEvent);
    const result = await runExec(this.docker, name, ['sh', '-s'], { stdin: req.scripts.get(hp.host)!, signal, onStdout: (chunk) => reader.push(chunk) });
    reader.check(result);
    return reader.tail;
  }

  async destroy(lab: string): Promise<string[]> {
    this.channels.closeLab(lab);
    const removed: string[] = [];
    const containers = await this.docker.listContainers({ all: true, filters: labFilter(lab) });
    await Promise.all(
      containers.map(async (c) => {
        try {
          await this.docker.getContainer(c.Id).remove({ force: true, v: true });
          removed.push(c.Names[0]?.replace(/^\//, '') ?? c.Id);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }),
    );
    const networks = await this.docker.listNetworks({ filters: labFilter(lab) });
    for (const n of networks) {
      try {
        await this.docker.getNetwork(n.Id).remove();
        removed.push(n.Name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const { Volumes } = await this.docker.listVolumes({ filters: labFilter(lab) });
    for (const v of Volumes ?? []) {
      await this.docker.getVolume(v.Name).remove({ force: true }).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
      removed.push(v.Name);
    }
    await this.opts.registry?.remove(lab);
    return removed;
  }

  async list(): Promise<LabSummary[]> {
    const containers = await this.docker.listContainers({ all: true, filters: labFilter() });
    const names = new Set(containers.map((c) => c.Labels[LABELS.lab]!).filter(Boolean));
    return [...names].sort().map((name) => {
      const own = containers.filter((c) => c.Labels[LABELS.lab] === name);
      const sw = own.find((c) => c.Labels[LABELS.role] === 'switch');
      const spec = parseSpecLabel(sw?.Labels[LABELS.spec]);
      const hosts: LabHostSummary[] = own
        .filter((c) => c !== sw)
        .map((c) => ({
          name: c.Labels[LABELS.host] ?? '?',
          role: (c.Labels[LABELS.role] === 'internet' ? 'internet' : 'host') as LabHostSummary['role'],
          address: c.Labels[LABELS.address] ?? null,
          pods: spec?.hosts.find((h) => h.name === c.Labels[LABELS.host])?.pods.map((p) => p.name) ?? [],
          running: c.State === 'running',
        }))
        .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name, undefined, { numeric: true }) : a.role === 'host' ? -1 : 1));
      const expected = spec ? spec.hosts.length + (spec.internet ? 1 : 0) : -1;
      const healthy = spec !== null && sw?.State === 'running' && hosts.length === expected && hosts.every((h) => h.running);
      return {
        name,
        driver: 'docker',
        mode: spec?.network.mode ?? 'pod-cidr',
        backend: spec?.network.backend ?? 'none',
        status: healthy ? 'running' : 'degraded',
        underlay: sw?.Labels[LABELS.underlay] ?? null,
        hosts,
        source: sw?.Labels[LABELS.source] || null,
        startedBy: sw?.Labels[LABELS.owner] || null,
      };
    });
  }

  async labSpec(lab: string): Promise<LabSpec | null> {
    const [sw] = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.lab}=${lab}`, `${LABELS.role}=switch`] } });
    return parseSpecLabel(sw?.Labels[LABELS.spec]);
  }

  async exec(lab: string, host: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    try {
      return await runExec(this.docker, containerName(lab, host), argv, opts);
    } catch (e) {
      if (isNotFound(e)) throw new PodnetError(ERROR_CODES.TARGET, `lab ${lab} has no host ${host}`, { hint: 'see `podnet ls` for the hosts of each lab' });
      throw e;
    }
  }

  async spawn(lab: string, host: string, argv: string[], opts: SpawnOptions): Promise<SpawnedProcess> {
    try {
      return await spawnExec(this.docker, containerName(lab, host), argv, opts);
    } catch (e) {
      if (isNotFound(e)) throw new PodnetError(ERROR_CODES.TARGET, `lab ${lab} has no host ${host}`, { hint: 'see `podnet ls` for the hosts of each lab' });
      throw e;
    }
  }

  channel(lab: string, host: string): ScriptChannel {
    return this.channels.get(lab, host, () => openExecChannel(this.docker, containerName(lab, host), ['sh']));
  }

  observeScope(): ObserveScope {
    return { underlayDev: 'eth0', netnsPrefix: '' };
  }

  shell(lab: string, host: string, argv: string[], opts: ShellOptions): Promise<ShellStream> {
    return openDockerShell(this.docker, containerName(lab, host), argv, opts);
  }

  async collectGarbage(busy: ReadonlySet<string> = new Set()): Promise<{ removed: string[]; kept: string[] }> {
    const removed: string[] = [];
    const kept: string[] = [];
    const [labs, containers] = await Promise.all([this.list(), this.docker.listContainers({ all: true, filters: labFilter() })]);
    for (const lab of labs) {
      const builders = containers.filter((c) => c.Labels[LABELS.lab] === lab.name).map((c) => c.Labels[LABELS.builder]);
      if (busy.has(lab.name) || builders.some((b) => b && builderAlive(b))) {
        kept.push(lab.name);
        continue;
      }
      if (lab.status === 'running' && (await this.allHostsReady(lab))) {
        kept.push(lab.name);
        continue;
      }
      await this.destroy(lab.name);
      removed.push(lab.name);
    }
    return { removed, kept };
  }

  private async allHostsReady(lab: LabSummary): Promise<boolean> {
    const checks = await Promise.all(lab.hosts.map((h) => runExec(this.docker, containerName(lab.name, h.name), ['test', '-f', READY_FILE]).then((r) => r.code === 0, () => false)));
    return checks.every(Boolean);
  }

  async dispose(): Promise<void> {
    this.channels.closeAll();
  }
}

function extraHosts(req: CreateRequest): string[] {
  const entries = req.allocation.hosts.map((h) => `${h.name}:${h.underlayIp}`);
  if (req.allocation.internet) entries.push(`internet:${req.allocation.internet.address}`);
  return entries;
}

function parseSpecLabel(label: string | undefined): LabSpec | null {
  if (!label) return null;
  try {
    return JSON.parse(label) as LabSpec;
  } catch {
    return null;
  }
}
