// The engine facade: everything the CLI, the Electron main process and the
// browser-mode server do with labs goes through createEngine(). No Electron
// import anywhere below this folder.
import type Docker from 'dockerode';
import { ERROR_CODES } from '../shared/errors';
import type { CaptureListener, CaptureRequest } from '../shared/capture';
import type { ExecResult, LabRepair, LabSummary } from '../shared/lab';
import type { PacketPath, PathProtocol } from '../shared/path';
import type { Snapshot } from '../shared/snapshot';
import { captureIn } from './access/capture-target';
import { execIn, reachTarget, spawnIn } from './access/lab-target';
import { openShell } from './access/open-shell';
import { pingFrom, type PingOptions, type PingResult } from './access/ping-target';
import type { CaptureSession } from './capture/capture-session';
import { BUILTIN_DRIVERS } from './drivers/builtin-drivers';
import { DriverRegistry } from './drivers/driver-registry';
import type { ImageMethod } from './drivers/docker/node-image';
import type { HostKeyPolicy } from './drivers/ssh/host-key-policy';
import { defaultStateDir } from './registry/state-dir';
import type { ExecOptions, GcResult, HostDriver, ShellStream } from './drivers/host-driver';
import { ownedByOther } from './drivers/lab-owner';
import { LabLocks } from './registry/lab-locks';
import { streamCommand, type CommandIo } from './stream-command';
import { PodnetError, isPodnetError } from './errors';
import type { ExerciseApi } from './exercises/exercise-service';
import { lazyExerciseApi } from './exercises/lazy-exercise-api';
import type { LifecycleContext } from './lifecycle/lifecycle-context';
import type { PlannedLab } from './lifecycle/planned-lab';
import type { UpOptions, UpResult } from './lifecycle/up-options';
import type { LabSource } from './lab-source';
import { LabWatcher, type SnapshotListener } from './lab-watcher';
import { observeLab } from './observe/observe-lab';
import { traceLabPath } from './path/trace-lab-path';
import type { LabSpec } from './spec/lab-spec';
import { parseTarget } from './targets';
import { currentOwner } from './util/process-identity';

export interface EngineOptions {
  /** The project's resources folder (node image recipe, built-in labs). */
  resourcesDir: string;
  /** Docker client for the local engine (injectable for tests; default: the local socket / DOCKER_HOST). */
  docker?: Docker;
  imageMethod?: ImageMethod;
  /** Shortest time between two reads of a watched lab. */
  watchIntervalMs?: number;
  /** This user's Podnet state (lab registry, SSH known hosts); default $PODNET_STATE_DIR or ~/.local/state/podnet. */
  stateDir?: string;
  /** SSH host keys not seen before: accepted only with consent (default: refused). */
  hostKeys?: HostKeyPolicy;
  /** Where local labs keep their namespace files (default /run/podnet/local). */
  localRoot?: string;
}

export interface DownOptions {
  /** Remove it even if it is another user's. */
  force?: boolean;
}

export interface Engine extends ExerciseApi {
  plan(source: LabSource): Promise<PlannedLab>;
  up(source: LabSource, opts?: UpOptions): Promise<UpResult>;
  /** Removes a lab; another user's lab only with `force` (else LAB_OWNED). Also a lab being built: its build then stops. */
  down(lab: string, opts?: DownOptions): Promise<string[]>;
  /** `down` by lab file: for an ssh lab, removes it from the machines the file names even when this user's registry does not know it. */
  downSource(source: LabSource, opts?: DownOptions): Promise<string[]>;
  /** Every lab of this user (with `force`, everyone's). */
  downAll(opts?: DownOptions): Promise<Map<string, string[]>>;
  /**
   * Every lab, whatever runs it, with its status (building, running, degraded with its faults, failed).
   * An engine that cannot be reached is passed to `onUnreachable` when labs were found elsewhere; with none
   * found, it is thrown.
   */
  list(opts?: { onUnreachable?(e: unknown): void }): Promise<LabSummary[]>;
  /**
   * Brings a degraded lab back: stopped, paused, restarted or removed hosts (and a stopped underlay switch)
   * are started again, plugged in and given their plan again; healthy hosts are not touched.
   */
  repair(lab: string, opts?: { signal?: AbortSignal }): Promise<LabRepair>;
  labSpec(lab: string): Promise<LabSpec>;
  inspect(lab: string): Promise<Snapshot>;
  /** Runs a command to its end and returns what it printed. With `opts.signal`, cancelling ends the command on its host too. */
  exec(lab: string, target: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Runs a command with its output streamed to `io.stdout`/`io.stderr`, nothing kept; a slow reader slows the
   * command down. Resolves with its exit code; `io.signal` (or a failing output, e.g. a closed pipe) ends it on its host too.
   */
  run(lab: string, target: string, argv: string[], io: CommandIo): Promise<number>;
  ping(lab: string, from: string, to: string, opts?: PingOptions): Promise<PingResult>;
  /**
   * Starts tcpdump on an interface of a host or pod; resolves once it listens.
   * Packets stream to `listener.onPacket`; `session.stop()` ends it, `session.pcap()` is the .pcap file.
   */
  startCapture(lab: string, request: CaptureRequest, listener?: CaptureListener): Promise<CaptureSession>;
  /**
   * Sends one probe `from` → `to` (`host2/b`, `host2:8080`, an address): a ping by default, TCP with a port
   * unless told otherwise. Traces it in the namespaces it can cross (and captures a ping there): the hops
   * it took and why — route, neighbour, fdb, every netfilter rule and NAT. `signal` ends it, marks removed.
   */
  packetPath(lab: string, from: string, to: string, opts?: { signal?: AbortSignal; protocol?: PathProtocol; port?: number | null }): Promise<PacketPath>;
  /** A terminal on a target: a login shell, or `opts.argv` (e.g. a ping) in its place. */
  shell(lab: string, target: string, size: { cols: number; rows: number }, opts?: { argv?: string[] }): Promise<ShellStream>;
  watch(lab: string, listener: SnapshotListener, onError?: (e: Error) => void): () => void;
  /** Removes the remains of this user's builds that never finished (their builder is gone); complete labs are kept and returned. */
  gc(): Promise<GcResult>;
  buildImage(opts: { method?: ImageMethod; onLine(line: string): void; signal?: AbortSignal }): Promise<string>;
  dispose(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const drivers = new DriverRegistry(
    {
      resourcesDir: options.resourcesDir,
      stateDir: options.stateDir ?? defaultStateDir(),
      hostKeys: options.hostKeys ?? { acceptNew: false },
      ...(options.docker ? { docker: options.docker } : {}),
      ...(options.imageMethod ? { imageMethod: options.imageMethod } : {}),
      ...(options.localRoot ? { localRoot: options.localRoot } : {}),
    },
    BUILTIN_DRIVERS,
  );
  const watchers = new Map<string, LabWatcher>();
  const locks = new LabLocks(options.stateDir ?? defaultStateDir());
  const lifecycle: LifecycleContext = { drivers, locks };
  const captures = new Set<CaptureSession>();

  // Parsing a lab file (yaml, zod) is loaded by the commands that need it only: `down`, `ls`, `exec` start faster.
  const upLab = () => import('./lifecycle/up-lab');
  const planLabFile = () => import('./lifecycle/plan-lab-file');
  const readLab = () => import('./lifecycle/read-lab');

  /** The driver that holds a running lab, and its summary. */
  const locate = (lab: string): Promise<{ driver: HostDriver; summary: LabSummary }> => drivers.locate(lab);

  /** A capture this engine stops when it is disposed. */
  const kept = (session: CaptureSession): CaptureSession => {
    captures.add(session);
    void session.done.finally(() => captures.delete(session));
    return session;
  };

  const engine: Engine = {
    plan: async (source) => (await planLabFile()).planLabFile(lifecycle, source),

    up: async (source, opts) => (await upLab()).upLab(lifecycle, source, opts),

    async down(lab, opts = {}) {
      watchers.get(lab)?.stop();
      watchers.delete(lab);
      let driver: HostDriver;
      try {
        driver = (await locate(lab)).driver;
      } catch (e) {
        if (isPodnetError(e) && e.code === ERROR_CODES.LAB_NOT_FOUND) return [];
        throw e;
      }
      // A build of it in progress here (another process, or this one) is told first: it stops and says why.
      await locks.noteRemoval(lab);
      return driver.destroy(lab, opts);
    },

    async downSource(source, opts = {}) {
      const { spec } = await (await readLab()).readLab(source, drivers.rules);
      const driver = drivers.definitionOf(spec.driver).capabilities.destroysBySpec ? await drivers.forSpec(spec) : null;
      if (!driver?.destroySpec) return engine.down(spec.name, opts);
      watchers.get(spec.name)?.stop();
      watchers.delete(spec.name);
      await locks.noteRemoval(spec.name);
      return driver.destroySpec(spec, opts);
    },

    async downAll(opts = {}) {
      const out = new Map<string, string[]>();
      for (const lab of await engine.list()) {
        if (!opts.force && ownedByOther(lab.owner)) continue;
        out.set(lab.name, await engine.down(lab.name, opts));
      }
      return out;
    },

    async list(opts = {}) {
      const { labs, unreachable } = await drivers.list({ health: true });
      // Labs of the local and ssh drivers are listed without Docker; with none of those, say why Docker's are missing.
      if (labs.length === 0 && unreachable.length > 0) throw unreachable[unreachable.length - 1];
      for (const e of unreachable) opts.onUnreachable?.(e);
      const me = currentOwner();
      return labs.map((l) => ({ ...l.summary, startedByYou: l.summary.owner === me }));
    },

    async repair(lab, opts = {}) {
      const { driver } = await locate(lab);
      const summary = (await driver.list({ health: true })).find((l) => l.name === lab);
      if (!summary) throw new PodnetError(ERROR_CODES.LAB_NOT_FOUND, `no lab named "${lab}" is running`, { hint: 'see `podnet ls`' });
      const { repairLab } = await import('./lifecycle/repair-lab');
      const result = await repairLab(driver, summary, { locks, ...(opts.signal ? { signal: opts.signal } : {}) });
      watchers.get(lab)?.poke();
      return result;
    },

    async labSpec(lab) {
      const { driver } = await locate(lab);
      const spec = await driver.labSpec(lab);
      if (!spec) throw new PodnetError(ERROR_CODES.LAB_NOT_FOUND, `lab ${lab} has lost its description (its network is gone)`, { hint: `remove it: podnet down ${lab}` });
      return spec;
    },

    async inspect(lab) {
      const { driver, summary } = await locate(lab);
      return observeLab(driver, summary);
    },

    async exec(lab, targetText, argv, opts) {
      if (argv.length === 0) throw new PodnetError(ERROR_CODES.USAGE, 'no command given', { hint: 'podnet exec <lab> <host>[/<pod>] -- <command…>' });
      const result = await execIn(await reachTarget(drivers, lab, targetText), argv, opts);
      watchers.get(lab)?.poke();
      return result;
    },

    async run(lab, targetText, argv, io) {
      if (argv.length === 0) throw new PodnetError(ERROR_CODES.USAGE, 'no command given', { hint: 'podnet exec <lab> <host>[/<pod>] -- <command…>' });
      const t = await reachTarget(drivers, lab, targetText);
      try {
        return await streamCommand((o) => spawnIn(t, argv, o), io);
      } finally {
        watchers.get(lab)?.poke();
      }
    },

    ping: async (lab, from, to, opts = {}) => pingFrom(await reachTarget(drivers, lab, from), to, opts),

    startCapture: async (lab, request, listener) => kept(await captureIn(await reachTarget(drivers, lab, request.target), request, listener)),

    async packetPath(lab, from, to, opts = {}) {
      const source = await reachTarget(drivers, lab, from);
      return traceLabPath(source, to, {
        ...(opts.protocol ? { protocol: opts.protocol } : {}),
        ...(opts.port != null ? { port: opts.port } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        inspect: () => engine.inspect(lab),
        capture: async (node, filter) => kept(await captureIn({ ...source, target: parseTarget(node) }, { target: node, iface: 'any', filter })),
        ping: (destination, pattern) => engine.ping(lab, from, destination, { count: 2, pattern, ...(opts.signal ? { signal: opts.signal } : {}) }),
      });
    },

    shell: async (lab, target, size, opts = {}) => openShell(await reachTarget(drivers, lab, target), size, opts),

    watch(lab, listener, onError) {
      let watcher = watchers.get(lab);
      if (!watcher) {
        watcher = new LabWatcher(async () => (await locate(lab)).driver, lab, options.watchIntervalMs ?? 250);
        watchers.set(lab, watcher);
      }
      const w = watcher;
      const unsubscribe = w.subscribe(listener, onError);
      return () => {
        unsubscribe();
        if (w.size === 0 && watchers.get(lab) === w) watchers.delete(lab);
      };
    },

    async gc() {
      const { removed, kept } = await drivers.collectGarbage();
      return { removed, kept };
    },

    buildImage: async (opts) => (await import('./lifecycle/build-image')).buildImage(drivers, opts),

    ...lazyExerciseApi(
      {
        up: (source, opts) => engine.up(source, opts),
        down: (lab) => engine.down(lab),
        inspect: (lab) => engine.inspect(lab),
        exec: (lab, target, argv, opts) => engine.exec(lab, target, argv, opts),
        ping: (lab, from, to, opts) => engine.ping(lab, from, to, opts),
        startCapture: (lab, request, listener) => engine.startCapture(lab, request, listener),
      },
      options.resourcesDir,
    ),

    async dispose() {
      await Promise.all([...captures].map((c) => c.stop().catch(() => undefined)));
      for (const w of watchers.values()) w.stop();
      watchers.clear();
      await drivers.dispose();
    },
  };
  return engine;
}

export type { CommandIo, GcResult, LabSource, PingResult, PlannedLab, UpOptions, UpResult };
export type { CaptureSession };
export type { HostKeyPolicy } from './drivers/ssh/host-key-policy';
export type { HostKeyInfo } from './drivers/ssh/host-key';
export { PodnetError, isPodnetError, serializeError } from './errors';
export { formatDiagnostic, formatDiagnostics } from './spec/diagnostics';
export { printable } from './util/printable';
export { readLabFileBytes } from './lab-source';
