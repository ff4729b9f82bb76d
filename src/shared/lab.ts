// Lab-level DTOs shared by the engine, the CLI and the renderer.

export type DriverKind = 'docker' | 'ssh' | 'local';
export type NetworkMode = 'docker0' | 'pod-cidr';
export type Backend = 'none' | 'vxlan' | 'host-gw';

/** The steps of `up`, in order; the UI ticks them off. */
export const UP_PHASES = ['image', 'underlay', 'hosts', 'pods', 'overlay', 'publishing', 'ready'] as const;
export type UpPhase = (typeof UP_PHASES)[number];

export interface UpProgress {
  phase: UpPhase;
  status: 'started' | 'done' | 'skipped';
  detail?: string;
  /** Milliseconds since `up` started. */
  elapsedMs: number;
}

export interface LabHostSummary {
  name: string;
  role: 'host' | 'internet';
  address: string | null;
  pods: string[];
  running: boolean;
}

/**
 * A lab's one status: `building` (its builder is at work), `running`,
 * `degraded` (complete, but a part of it is broken: see `faults`), or
 * `failed` (its build ended before the lab was up — a crash, a double
 * Ctrl-C: `podnet gc` removes such remains).
 */
export type LabStatus = 'building' | 'running' | 'degraded' | 'failed';

/** What is broken in a lab, and where. */
export interface LabFault {
  /** The host, `underlay` (the switch), or `build`. */
  part: string;
  problem: 'stopped' | 'paused' | 'restarted' | 'missing' | 'unfinished';
  /** In words: `host2 stopped`, `host2 restarted (no eth0)`. */
  message: string;
}

export interface LabSummary {
  name: string;
  driver: DriverKind;
  mode: NetworkMode;
  backend: Backend;
  status: LabStatus;
  /** Why it is degraded or failed; empty when it runs as built. */
  faults: LabFault[];
  underlay: string | null;
  hosts: LabHostSummary[];
  /** Where the lab file came from, when known. */
  source: string | null;
  /** `user@machine` of whoever built it (null: not recorded, an older lab). */
  owner: string | null;
  /** Started by the user this program runs as, on this machine (false: someone else, or not known). */
  startedByYou?: boolean;
}

/** What `repair` did to a degraded lab. */
export interface LabRepair {
  name: string;
  /** What was broken (empty: the lab ran as built, nothing was done). */
  repaired: LabFault[];
  /** What was done, one line each. */
  done: string[];
  elapsedMs: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A built-in lab file in resources/labs. */
export interface BuiltinLab {
  file: string;
  name: string;
  title: string;
  description: string;
}
