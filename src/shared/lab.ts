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

export interface LabSummary {
  name: string;
  driver: DriverKind;
  mode: NetworkMode;
  backend: Backend;
  status: 'running' | 'degraded' | 'building';
  underlay: string | null;
  hosts: LabHostSummary[];
  /** Where the lab file came from, when known. */
  source: string | null;
  /** Who started it (`user@machine`), when its driver recorded that. */
  startedBy?: string | null;
  /** Started by the user this program runs as, on this machine (false: someone else, or not known). */
  startedByYou?: boolean;
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
