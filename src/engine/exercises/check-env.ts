// What checks may do to a lab: read its observed state, run a command,
// ping, capture while something happens. Bound to a real lab by the engine,
// to fakes by the unit tests.
import type { CapturedPacket } from '../../shared/capture';
import type { ExecResult } from '../../shared/lab';
import type { Snapshot } from '../../shared/snapshot';

export interface PingOutcome {
  ok: boolean;
  transmitted: number;
  received: number;
  destination: string;
  output: string;
}

export interface CheckEnv {
  lab: string;
  snapshot(): Promise<Snapshot>;
  exec(target: string, argv: string[]): Promise<ExecResult>;
  ping(from: string, to: string, count: number): Promise<PingOutcome>;
  /** Captures on `iface` of `target` while `during` runs; returns what was captured. */
  capture(target: string, iface: string, filter: string | undefined, during: () => Promise<unknown>): Promise<CapturedPacket[]>;
}
