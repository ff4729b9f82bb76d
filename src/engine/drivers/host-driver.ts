// The one seam between the network plan and where it runs. The network
// builders never know which driver runs them; the engine knows a driver by
// its capabilities (driver-definition.ts), never by its name.
import type { DriverKind, ExecResult, LabFault, LabSummary } from '../../shared/lab';
import type { PlacementFacts } from '../ipam/allocate-lab';
import type { Allocation } from '../ipam/allocation';
import type { PlanContext } from '../plan/plan-context';
import type { LabPlan, PlanPhase } from '../plan/step';
import type { LabSpec } from '../spec/lab-spec';
import type { DriverCapabilities } from './driver-definition';
import type { ImageMethod } from './docker/node-image';
import type { ScriptChannel } from './script-channel';

export interface ExecOptions {
  stdin?: string | Buffer;
  signal?: AbortSignal;
  onStdout?(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
}

/** `spawn`: raw output as it arrives, nothing buffered (captures stream pcap bytes this way). */
export interface SpawnOptions {
  onStdout(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** The process's standard input: bytes, or a stream passed on as it comes (its end closes the input). Default: none. */
  stdin?: Buffer | NodeJS.ReadableStream;
}

export type ProcessSignal = 'INT' | 'TERM' | 'KILL';

/** A process started by `spawn`: runs until it ends by itself or is signalled. */
export interface SpawnedProcess {
  /** The exit code, once the process has ended and all its output was delivered. */
  readonly exited: Promise<number>;
  /** Signals the process where it runs, with the processes it started (no-op once it has ended). */
  kill(signal?: ProcessSignal): Promise<void>;
  /** Stops reading its output: once the transport's buffers are full the process waits on its writes (backpressure). */
  pause(): void;
  resume(): void;
}

export interface ShellOptions {
  cols: number;
  rows: number;
  env?: Record<string, string>;
}

/** A terminal session on a host: bytes both ways, resizable. */
export interface ShellStream {
  write(data: string | Buffer): void;
  onData(listener: (chunk: Buffer) => void): void;
  onExit(listener: (code: number | null) => void): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Stop reading (flow control); `resume` starts again. */
  pause(): void;
  resume(): void;
  close(): void;
}

export type DriverEvent =
  | { type: 'underlay-ready'; detail: string }
  | { type: 'host-created'; host: string }
  | { type: 'host-phase'; host: string; phase: PlanPhase | 'done' };

/** One build of a lab: everything it creates carries its id, so that a failed build removes what it made and nothing else. */
export interface BuildRun {
  id: string;
  /** `user@machine`: whose lab it is. */
  owner: string;
}

export interface CreateRequest {
  run: BuildRun;
  spec: LabSpec;
  allocation: Allocation;
  plan: LabPlan;
  /** One script per host (by name), already rendered. */
  scripts: ReadonlyMap<string, string>;
  /** Where the lab file came from (recorded with the lab). */
  source: string | null;
  signal?: AbortSignal;
  onEvent(event: DriverEvent): void;
}

/** Bringing a degraded lab back: what is broken, and the plan of every host (for those that must be set up again). */
export interface ReviveRequest {
  spec: LabSpec;
  allocation: Allocation;
  plan: LabPlan;
  /** One script per host (by name), already rendered. */
  scripts: ReadonlyMap<string, string>;
  faults: readonly LabFault[];
  signal?: AbortSignal;
  onLog?(line: string): void;
}

export interface ReviveResult {
  /** Hosts set up again from their plan, with what each one's script printed after its last phase (the read-back). */
  tails: Map<string, string>;
  /** What was done, one line each. */
  done: string[];
}

export interface CreateResult {
  /** What each host's script printed after its last phase (the readiness read-back). */
  tails: Map<string, string>;
}

export interface ImageProgress {
  (line: string): void;
}

export interface ObserveScope {
  /** Interface carrying the underlay. */
  underlayDev: string;
  /** Only namespaces whose name starts with this are pods; the rest of the name is the pod name. */
  netnsPrefix: string;
}

export interface PlacementOptions {
  signal?: AbortSignal;
  /** Lines worth showing while hosts are being reached. */
  onLog?(line: string): void;
  /** Replace a lab of the same name that another user left on the machines. */
  force?: boolean;
}

export interface GcResult {
  removed: string[];
  /** This user's labs left alone: complete (running or degraded) or being built. */
  kept: LabSummary[];
}

export interface ImageBuildOptions {
  method?: ImageMethod;
  onLine(line: string): void;
  signal?: AbortSignal;
}

export interface HostDriver {
  readonly kind: DriverKind;
  readonly capabilities: DriverCapabilities;
  readonly planContext: PlanContext;
  /** Fails with a clear error (and what to do) when the driver cannot work here. */
  preflight(): Promise<void>;
  /**
   * What the allocation must know about where the lab will run, before anything of it exists: the
   * subnets already in use where its underlay will live (`ownsUnderlay`), or — machines — each host
   * reached, verified and checked, with its underlay address and interface found on it. Fails with what
   * exactly is missing where.
   */
  placement(spec: LabSpec, opts: PlacementOptions): Promise<PlacementFacts>;
  /** Makes sure hosts can be created (e.g. the node image exists; builds it if needed). */
  ensureReady(onProgress: ImageProgress, signal?: AbortSignal): Promise<string>;
  /** Builds the lab; marks it complete at the end (a lab never marked is the remains of a build that did not finish). */
  create(req: CreateRequest): Promise<CreateResult>;
  /**
   * Removes what one build made — nothing another build or user made. `intact` is false when some of it
   * was gone already: someone removed the lab while it was being built.
   */
  discard(lab: string, run: string): Promise<{ removed: string[]; intact: boolean }>;
  /** Is everything this build made still there? */
  holds(lab: string, run: string): Promise<boolean>;
  /**
   * Brings the broken parts of a complete lab back, as a node's agents re-program it after a reboot: a
   * stopped, restarted or removed host is (re)started fresh, plugged into the underlay again and its plan
   * applied again; its peers are not touched. Capability `revives`.
   */
  revive?(req: ReviveRequest): Promise<ReviveResult>;
  /** Builds the hosts' image afresh; returns how it was built. Capability `buildsImage`. */
  buildImage?(opts: ImageBuildOptions): Promise<string>;
  /**
   * Removes a lab from what its lab file names, also where this user's records do not know it (`podnet
   * down lab.yaml`). Capability `destroysBySpec`.
   */
  destroySpec?(spec: LabSpec, opts?: { force?: boolean }): Promise<string[]>;
  /**
   * Removes everything of the lab, found by its identity alone. Idempotent. A lab another user owns is
   * refused (LAB_OWNED) unless `force`.
   */
  destroy(lab: string, opts?: { force?: boolean }): Promise<string[]>;
  /**
   * Labs this driver holds, with their status. `health`: also look inside what runs (a restarted host
   * lost its network state) — a round trip per lab, for `ls` and the app rather than every command.
   */
  list(opts?: { health?: boolean }): Promise<LabSummary[]>;
  /** The spec a running lab was built from. */
  labSpec(lab: string): Promise<LabSpec | null>;
  exec(lab: string, host: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Starts a long-running argv (e.g. tcpdump) with byte-safe streamed output and a way to stop it. */
  spawn(lab: string, host: string, argv: string[], opts: SpawnOptions): Promise<SpawnedProcess>;
  /** A warm channel for quick scripts (observation): no per-call start-up cost. */
  channel(lab: string, host: string): ScriptChannel;
  observeScope(lab: string, host: string): ObserveScope;
  shell(lab: string, host: string, argv: string[], opts: ShellOptions): Promise<ShellStream>;
  /**
   * Removes the remains of builds that never finished and whose builder is gone — this user's only.
   * Complete labs, degraded ones included, are kept and reported.
   */
  collectGarbage(): Promise<GcResult>;
  dispose(): Promise<void>;
}
