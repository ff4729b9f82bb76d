// A plan is data: per host, phases of steps. A step is an argv array (or a
// file to write, a sysctl, a background process, a readiness wait) — never a
// string for a shell. render-script.ts turns steps into one batched script.
import { UP_PHASES, type UpPhase } from '../../shared/lab';
import type { Expectation } from './expected-state';

export type Step =
  | { kind: 'cmd'; argv: string[] }
  | { kind: 'file'; path: string; content: string; mode: number }
  | { kind: 'sysctl'; key: string; value: string }
  /** A long-running process started in the background (e.g. a pod's responder). */
  | { kind: 'daemon'; argv: string[]; log: string }
  /** Wait until something listens on a TCP port (in a netns, or the host's own). */
  | { kind: 'wait-listen'; netns: string | null; port: number; timeoutMs: number };

export type PlanPhase = Exclude<UpPhase, 'image' | 'underlay'>;

/** The phases of a host's plan, in the order they run. */
export const PLAN_PHASES: readonly PlanPhase[] = UP_PHASES.filter((p): p is PlanPhase => p !== 'image' && p !== 'underlay');

export interface HostPlan {
  host: string;
  role: 'host' | 'internet';
  phases: { phase: PlanPhase; steps: Step[] }[];
  /** What the host holds once its steps ran (the readiness check compares the state read back with it). */
  expected: Expectation[];
}

export interface LabPlan {
  lab: string;
  hosts: HostPlan[];
}

export const cmd = (...argv: (string | number)[]): Step => ({ kind: 'cmd', argv: argv.map(String) });
