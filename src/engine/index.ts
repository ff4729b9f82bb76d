// The engine facade: everything the CLI, the Electron main process and the
// browser-mode server do with labs goes through createEngine(). No Electron
// import anywhere below this folder.
import type Docker from 'dockerode';
import { ERROR_CODES } from '../shared/errors';
import type { CaptureListener, CaptureRequest } from '../shared/capture';
import type { ExecResult, LabRepair, LabSummary } from '../shared/lab';
import type { PacketPath, PathProtocol } from '../shared/path';
import type { Snapshot } from '../shared/snapshot';
import { DEFAULT_VXLAN_PORTS } from './capture/decode-packet';
import { startCaptureSession, type CaptureSession } from './capture/capture-session';
import { DriverSet } from './driver-set';
import { buildNodeImage, type ImageMethod } from './drivers/docker/node-image';
import type { HostKeyPolicy } from './drivers/ssh/host-key-policy';
import { defaultStateDir } from './registry/state-dir';
import type { ExecOptions, GcResult, HostDriver, ShellStream, SpawnOptions } from './drivers/host-driver';
import { ownedByOther } from './drivers/lab-owner';
import { LabLocks } from './registry/lab-locks';
import { spawnOverExec } from './drivers/spawn-wrapper';
import { streamCommand, type CommandIo } from './stream-command';
import { collectingStream } from './util/collecting-stream';
import { PodnetError, isPodnetError } from './errors';
import type { ExerciseApi } from './exercises/exercise-service';
import { lazyExerciseApi } from './exercises/lazy-exercise-api';
import { INTERNET_NODE } from './plan/internet-node';
import type { PlannedLab, UpOptions, UpResult } from './lab-up';
import type { LabSource } from './lab-source';
import { LabWatcher, type SnapshotListener } from './lab-watcher';
import { observeHost, observeLab } from './observe/observe-lab';
import { parseLinks } from './observe/parse-iproute';
import { tracePacketPath } from './path/packet-path';
import { parsePathRequest } from './path/path-request';
import type { TraceNamespace } from './trace/trace-namespace';
import { isAddress, parsePingSummary, pingArgv, type PingSummary } from './ping';
import type { LabSpec } from './spec/lab-spec';
import type { ParsedLab } from './spec/parse-lab';
import { checkTarget, formatTarget, parseTarget, targetAddress, type Target } from './targets';
import { shellEnv } from './terminals/shell-env';
import { currentOwner } from './util/process-identity';
import { shellQuote } from './util/shell-quote';

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

export interface PingResult extends PingSummary {
  ok: boolean;
  from: string;
  to: string;
  destination: string;
  output: string;
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
  ping(lab: string, from: string, to: string, opts?: { count?: number; pattern?: string; onOutput?(chunk: string): void; signal?: AbortSignal }): Promise<PingResult>;
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
  const drivers = new DriverSet({
    resourcesDir: options.resourcesDir,
    stateDir: options.stateDir ?? defaultStateDir(),
    hostKeys: options.hostKeys ?? { acceptNew: false },
    ...(options.docker ? { docker: options.docker } : {}),
    ...(options.imageMethod ? { imageMethod: options.imageMethod } : {}),
    ...(options.localRoot ? { localRoot: options.localRoot } : {}),
  });
  const watchers = new Map<string, LabWatcher>();
  const locks = new LabLocks(options.stateDir ?? defaultStateDir());
  const captures = new Set<CaptureSession>();

  const driverFor = (parsed: ParsedLab): HostDriver => drivers.forSpec(parsed.spec);
  // Parsing a lab file (yaml, zod) is loaded by the commands that need it only: `down`, `ls`, `exec` start faster.
  const labUp = () => import('./lab-up');

  /** The driver that holds a running lab, and its summary. */
  const locate = (lab: string): Promise<{ driver: HostDriver; summary: LabSummary }> => drivers.locate(lab);

  const resolveTarget = async (lab: string, text: string): Promise<{ driver: HostDriver; target: Target; spec: LabSpec | null }> => {
    const target = parseTarget(text);
    const { driver } = await locate(lab);
    const spec = await driver.labSpec(lab);
    checkTarget(spec, lab, target);
    return { driver, target, spec };
  };

  const inTarget = (driver: HostDriver, target: Target, argv: string[]) =>
    target.pod ? ['ip', 'netns', 'exec', driver.planContext.podNetns(target.host, target.pod), ...argv] : argv;

  /** Starts an argv in a target as a process that streams, pauses and can be signalled. */
  const spawnIn = (driver: HostDriver, lab: string, target: Target, argv: string[], o: SpawnOptions) => {
    const here = inTarget(driver, target, argv);
    return driver.spawn ? driver.spawn(lab, target.host, here, o) : Promise.resolve(spawnOverExec((a, eo) => driver.exec(lab, target.host, a, eo), here, o));
  };

  /** exec whose cancelling ends the command on its host (a plain exec would only stop waiting for it). */
  const execCancellable = async (driver: HostDriver, lab: string, target: Target, argv: string[], opts: ExecOptions & { signal: AbortSignal }): Promise<ExecResult> => {
    const stdout = collectingStream(opts.onStdout);
    const stderr = collectingStream(opts.onStderr);
    const code = await streamCommand((o) => spawnIn(driver, lab, target, argv, o), { stdout, stderr, signal: opts.signal, ...(opts.stdin !== undefined ? { stdin: Buffer.from(opts.stdin) } : {}) });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  };

  const captureOn = async (driver: HostDriver, lab: string, target: Target, spec: LabSpec | null, request: CaptureRequest, listener?: CaptureListener) => {
    const session = await startCaptureSession({
      lab,
      target: formatTarget(target),
      iface: request.iface,
      filter: request.filter ?? null,
      count: request.count ?? null,
      ...(listener ? { listener } : {}),
      vxlanPorts: vxlanPortsOf(spec),
      spawn: (argv, o) => spawnIn(driver, lab, target, argv, o),
    });
    captures.add(session);
    void session.done.finally(() => captures.delete(session));
    return session;
  };

  const engine: Engine = {
    plan: async (source) => (await labUp()).planFromSource(source, driverFor),

    up: async (source, opts) => {
      const { parseSource, upLab } = await labUp();
      const parsed = await parseSource(source);
      const elsewhere = await drivers.runningElsewhere(parsed.spec.name, driverFor(parsed));
      if (elsewhere) throw new PodnetError(ERROR_CODES.LAB_EXISTS, `a lab named "${parsed.spec.name}" is already running (${elsewhere} driver)`, { hint: `stop it first: podnet down ${parsed.spec.name}` });
      return upLab({ driverFor, locks }, source, opts);
    },

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
      const parsed = await (await labUp()).parseSource(source);
      if (parsed.spec.driver !== 'ssh') return engine.down(parsed.spec.name, opts);
      watchers.get(parsed.spec.name)?.stop();
      watchers.delete(parsed.spec.name);
      await locks.noteRemoval(parsed.spec.name);
      return drivers.ssh().destroySpec(parsed.spec, opts);
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
      const { repairLab } = await import('./lab-repair');
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
      const { driver, target } = await resolveTarget(lab, targetText);
      const signal = opts?.signal;
      const result = signal ? await execCancellable(driver, lab, target, argv, { ...opts, signal }) : await driver.exec(lab, target.host, inTarget(driver, target, argv), opts);
      watchers.get(lab)?.poke();
      return result;
    },

    async run(lab, targetText, argv, io) {
      if (argv.length === 0) throw new PodnetError(ERROR_CODES.USAGE, 'no command given', { hint: 'podnet exec <lab> <host>[/<pod>] -- <command…>' });
      const { driver, target } = await resolveTarget(lab, targetText);
      try {
        return await streamCommand((o) => spawnIn(driver, lab, target, argv, o), io);
      } finally {
        watchers.get(lab)?.poke();
      }
    },

    async ping(lab, fromText, to, opts = {}) {
      const { driver, target: from, spec } = await resolveTarget(lab, fromText);
      let destination: string;
      if (isAddress(to)) destination = to;
      else {
        const dest = parseTarget(to);
        checkTarget(spec, lab, dest);
        const state = dest.host === INTERNET_NODE ? null : await observeHost(driver, lab, { name: dest.host, role: 'host' });
        destination = targetAddress(lab, dest, state, spec);
      }
      const count = opts.count ?? 3;
      const stdout = collectingStream((b) => opts.onOutput?.(b.toString('utf8')));
      const stderr = collectingStream((b) => opts.onOutput?.(b.toString('utf8')));
      const argv = pingArgv(destination, count, opts.pattern);
      const code = await streamCommand((o) => spawnIn(driver, lab, from, argv, o), { stdout, stderr, ...(opts.signal ? { signal: opts.signal } : {}) });
      const output = stdout.text();
      const summary = parsePingSummary(output) ?? { transmitted: count, received: 0, lossPercent: 100 };
      return { ...summary, ok: code === 0 && summary.received > 0, from: formatTarget(from), to, destination, output: output + stderr.text() };
    },

    async startCapture(lab, request, listener) {
      const { driver, target, spec } = await resolveTarget(lab, request.target);
      return captureOn(driver, lab, target, spec, request, listener);
    },

    async packetPath(lab, from, toText, opts = {}) {
      const { to, protocol, port } = parsePathRequest(toText, opts);
      const { driver, target, spec } = await resolveTarget(lab, from);
      if (!isAddress(to)) checkTarget(spec, lab, parseTarget(to));
      const namespace = (node: string): TraceNamespace => {
        const t = parseTarget(node);
        return {
          node,
          // A quick script (a route lookup) runs over the host's warm channel, as observation does; the probe (signal, stdin) in a process of its own.
          exec: (argv, o) =>
            o?.signal ? execCancellable(driver, lab, t, argv, { ...o, signal: o.signal }) : o?.stdin !== undefined ? driver.exec(lab, t.host, inTarget(driver, t, argv), o) : driver.channel(lab, t.host).run(inTarget(driver, t, argv).map(shellQuote).join(' ')),
          spawn: (argv, o) => spawnIn(driver, lab, t, argv, o),
        };
      };
      return tracePacketPath({
        lab,
        from: target,
        to,
        protocol,
        port,
        namespace,
        ...(opts.signal ? { signal: opts.signal } : {}),
        spec,
        vxlanPorts: vxlanPortsOf(spec),
        observeHosts: (hosts) => Promise.all(hosts.map((h) => observeHost(driver, lab, h))),
        observeLab: () => engine.inspect(lab),
        underlayIfaces: async () => {
          const r = await driver.exec(lab, 'underlay', ['ip', '-j', '-d', 'link', 'show']).catch(() => null);
          return r?.code === 0 ? parseLinks(JSON.parse(r.stdout)) : null;
        },
        // The underlay switch is no target a learner names, but the path crosses it.
        capture: (node, filter) => captureOn(driver, lab, parseTarget(node), spec, { target: node, iface: 'any', filter }),
        ping: (destination, pattern) => engine.ping(lab, from, destination, { count: 2, pattern, ...(opts.signal ? { signal: opts.signal } : {}) }),
      });
    },

    async shell(lab, targetText, size, opts = {}) {
      const { driver, target, spec } = await resolveTarget(lab, targetText);
      const label = formatTarget(target);
      const argv = inTarget(driver, target, opts.argv && opts.argv.length > 0 ? opts.argv : ['bash', '--login']);
      const env = shellEnv(label, target.pod ? { name: target.pod, container: spec?.network.mode === 'docker0' } : null);
      return driver.shell(lab, target.host, argv, { ...size, env });
    },

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

    async buildImage(opts) {
      const driver = drivers.docker();
      await driver.preflight();
      const method = await buildNodeImage(driver.client, { resourcesDir: options.resourcesDir, method: opts.method ?? 'auto', onLine: opts.onLine, ...(opts.signal ? { signal: opts.signal } : {}) });
      return method;
    },

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

function vxlanPortsOf(spec: LabSpec | null): number[] {
  return [...new Set([...DEFAULT_VXLAN_PORTS, ...(spec ? [spec.network.vxlan.port] : [])])];
}

export type { CommandIo, GcResult, LabSource, PlannedLab, UpOptions, UpResult };
export type { CaptureSession };
export type { HostKeyPolicy } from './drivers/ssh/host-key-policy';
export type { HostKeyInfo } from './drivers/ssh/host-key';
export { PodnetError, isPodnetError, serializeError } from './errors';
export { formatDiagnostic, formatDiagnostics } from './spec/diagnostics';
export { printable } from './util/printable';
export { readLabFileBytes } from './lab-source';
