// The drivers of one engine, made when first needed, and where each lab is:
// local labs are found in /run/podnet/local, labs on SSH machines and remote
// Docker engines through the user's lab registry, the rest on the local
// Docker engine (when there is one — the local and ssh drivers work without).
import type Docker from 'dockerode';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { ERROR_CODES } from '../shared/errors';
import type { LabSummary } from '../shared/lab';
import { DockerDriver } from './drivers/docker/docker-driver';
import { dockerHasLab, localDockerSocket } from './drivers/docker/docker-lab-probe';
import type { ImageMethod } from './drivers/docker/node-image';
import type { GcResult, HostDriver } from './drivers/host-driver';
import { LocalDriver } from './drivers/local/local-driver';
import type { HostKeyPolicy } from './drivers/ssh/host-key-policy';
import { KnownHosts } from './drivers/ssh/known-hosts';
import { SshConnection } from './drivers/ssh/ssh-connection';
import { dockerOverSsh, parseSshEngine } from './drivers/ssh/ssh-docker';
import { SshDriver } from './drivers/ssh/ssh-driver';
import { PodnetError } from './errors';
import { LabRegistry } from './registry/lab-registry';
import { dockerode } from './util/lazy-require';
import type { LabSpec } from './spec/lab-spec';

export interface DriverSetOptions {
  resourcesDir: string;
  /** Client for the local Docker engine (default: the local socket / DOCKER_HOST). */
  docker?: Docker;
  imageMethod?: ImageMethod;
  /** This user's Podnet state: lab registry, known hosts. */
  stateDir: string;
  hostKeys: HostKeyPolicy;
  /** Where local labs keep their namespace files (default /run/podnet/local). */
  localRoot?: string;
}

export interface LocatedLab {
  driver: HostDriver;
  summary: LabSummary;
}

export class DriverSet {
  readonly registry: LabRegistry;
  readonly knownHosts: KnownHosts;
  private readonly dockers = new Map<string, DockerDriver>();
  private readonly engineConnections: SshConnection[] = [];
  /**
   * The connections of the Docker clients this set made. Destroyed on dispose: Docker does not always end
   * a connection itself (an exec started while its container is being removed stays open for good).
   */
  private readonly agents: Agent[] = [];
  private localDriver: LocalDriver | null = null;
  private sshDriver: SshDriver | null = null;

  constructor(private readonly o: DriverSetOptions) {
    this.registry = new LabRegistry(o.stateDir);
    this.knownHosts = new KnownHosts(join(o.stateDir, 'known_hosts'));
  }

  /** The Docker driver of an engine (null: the local one). */
  docker(engine: string | null = null): DockerDriver {
    const key = engine ?? '';
    let d = this.dockers.get(key);
    if (!d) {
      d = new DockerDriver({
        docker: engine ? this.remoteDocker(engine) : (this.o.docker ?? new (dockerode())(this.withAgent({}))),
        resourcesDir: this.o.resourcesDir,
        ...(this.o.imageMethod ? { imageMethod: this.o.imageMethod } : {}),
        ...(engine ? { engineLabel: engine, registry: this.registry } : {}),
      });
      this.dockers.set(key, d);
    }
    return d;
  }

  local(): LocalDriver {
    return (this.localDriver ??= new LocalDriver(this.o.localRoot));
  }

  ssh(): SshDriver {
    return (this.sshDriver ??= new SshDriver({ registry: this.registry, known: this.knownHosts, policy: this.o.hostKeys }));
  }

  forSpec(spec: Pick<LabSpec, 'driver' | 'engine'>): HostDriver {
    if (spec.driver === 'local') return this.local();
    if (spec.driver === 'ssh') return this.ssh();
    return this.docker(spec.engine);
  }

  /** Every lab, wherever it runs (`health`: see HostDriver.list). Engines that cannot be reached are reported, not thrown. */
  async list(opts: { health?: boolean } = {}): Promise<{ labs: LocatedLab[]; unreachable: unknown[] }> {
    const unreachable: unknown[] = [];
    const found: LocatedLab[] = [];
    const add = async (driver: HostDriver, check: boolean) => {
      try {
        if (check) await driver.preflight();
        for (const summary of await driver.list(opts)) if (!found.some((f) => f.summary.name === summary.name)) found.push({ driver, summary });
      } catch (e) {
        unreachable.push(e);
      }
    };
    if (process.platform === 'linux') await add(this.local(), false);
    await add(this.ssh(), false);
    for (const engine of await this.registeredEngines()) await add(this.docker(engine), true);
    await add(this.docker(), true);
    found.sort((a, b) => a.summary.name.localeCompare(b.summary.name));
    return { labs: found, unreachable };
  }

  /** Which other driver already runs a lab of this name (a name is one lab, whatever runs it). */
  async runningElsewhere(lab: string, except: HostDriver): Promise<LabSummary['driver'] | null> {
    const entry = await this.registry.get(lab);
    if (entry && this.forSpec(entry) !== except) return entry.driver;
    if (process.platform === 'linux' && this.local() !== except && (await this.local().labSpec(lab))) return 'local';
    // The local engine's driver is only made (loading dockerode) when a socket probe cannot answer.
    if (this.dockers.get('') === except) return null;
    const socket = this.o.docker ? null : localDockerSocket();
    const there = socket ? await dockerHasLab(socket, lab) : await this.docker().list().then((l) => l.some((x) => x.name === lab), () => false);
    return there ? 'docker' : null;
  }

  /** The driver holding a lab, or LAB_NOT_FOUND. */
  async locate(lab: string): Promise<LocatedLab> {
    const find = async (driver: HostDriver) => {
      const summary = (await driver.list()).find((l) => l.name === lab);
      return summary ? { driver, summary } : null;
    };
    // A registered lab is where the registry says: if that engine cannot be reached, that is the answer.
    const entry = await this.registry.get(lab);
    if (entry) {
      const driver = this.forSpec(entry);
      await driver.preflight();
      const found = await find(driver);
      if (found) return found;
    }
    const local = process.platform === 'linux' ? await find(this.local()) : null;
    if (local) return local;
    let dockerTrouble = '';
    try {
      await this.docker().preflight();
      const found = await find(this.docker());
      if (found) return found;
    } catch (e) {
      dockerTrouble = ` (and ${e instanceof Error ? e.message : String(e)})`;
    }
    throw new PodnetError(ERROR_CODES.LAB_NOT_FOUND, `no lab named "${lab}" is running${dockerTrouble}`, { hint: 'see `podnet ls`, or start it with `podnet up <lab.yaml>`' });
  }


  /** Garbage collection in every place labs can be. */
  async collectGarbage(): Promise<GcResult & { unreachable: unknown[] }> {
    const out = { removed: [] as string[], kept: [] as LabSummary[], unreachable: [] as unknown[] };
    const drivers: { driver: HostDriver; check: boolean }[] = [];
    if (process.platform === 'linux' && process.getuid?.() === 0) drivers.push({ driver: this.local(), check: false });
    drivers.push({ driver: this.ssh(), check: false });
    for (const engine of await this.registeredEngines()) drivers.push({ driver: this.docker(engine), check: true });
    drivers.push({ driver: this.docker(), check: true });
    for (const { driver, check } of drivers) {
      try {
        if (check) await driver.preflight();
        const r = await driver.collectGarbage();
        out.removed.push(...r.removed);
        out.kept.push(...r.kept);
      } catch (e) {
        out.unreachable.push(e);
      }
    }
    return out;
  }

  async dispose(): Promise<void> {
    for (const d of [...this.dockers.values(), this.localDriver, this.sshDriver]) await d?.dispose();
    for (const c of this.engineConnections) c.close();
    for (const a of this.agents) a.destroy();
  }

  /** Client options with a connection pool of this set's own (docker-modem takes `agent`; its types do not list it). */
  private withAgent(options: Docker.DockerOptions): Docker.DockerOptions {
    const agent = new Agent({ keepAlive: true });
    this.agents.push(agent);
    return { ...options, agent } as Docker.DockerOptions;
  }

  private async registeredEngines(): Promise<string[]> {
    return [...new Set((await this.registry.all()).filter((e) => e.driver === 'docker' && e.engine).map((e) => e.engine!))];
  }

  private remoteDocker(engine: string): Docker {
    const Docker = dockerode();
    if (engine.startsWith('unix://')) return new Docker(this.withAgent({ socketPath: engine.slice('unix://'.length) }));
    if (engine.startsWith('tcp://')) {
      const u = new URL(engine);
      return new Docker(this.withAgent({ protocol: 'http', host: u.hostname, port: Number(u.port || 2375) }));
    }
    const who = parseSshEngine(engine);
    const conn = new SshConnection({ host: `engine ${engine}`, ...who, identityFile: null, iface: null }, { known: this.knownHosts, policy: this.o.hostKeys });
    this.engineConnections.push(conn);
    return dockerOverSsh(conn);
  }
}
