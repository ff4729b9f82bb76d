// The part of building a lab every driver that runs plain scripts shares:
// each host's script run with its phases reported as they pass (PhaseReader),
// the state it read back at the end kept per host, and — when hosts fail —
// the first real failure reported (a cancellation only when nothing else
// went wrong). The driver says how a script runs on a host.
import { ERROR_CODES } from '../../shared/errors';
import { isPodnetError } from '../errors';
import { firstFailure, mapLimit } from '../util/map-limit';
import type { DriverEvent } from './host-driver';
import { PhaseReader } from './phase-reader';

export interface HostScriptRun {
  /** The hosts, in plan order. */
  hosts: readonly string[];
  /** How many run at once (default: all). */
  limit?: number;
  onEvent(e: DriverEvent): void;
  /** Runs the host's script, its standard output passed to `reader` as it comes. */
  run(host: string, reader: PhaseReader): Promise<{ code: number; stderr: string }>;
}

/** Each host's read-back state (the tail of its script's output), or the first failure thrown. */
export async function applyHostScripts(o: HostScriptRun): Promise<Map<string, string>> {
  const tails = new Map<string, string>();
  const results = await mapLimit(o.hosts, o.limit ?? o.hosts.length, async (host) => {
    const reader = new PhaseReader(host, o.onEvent);
    reader.check(await o.run(host, reader));
    tails.set(host, reader.tail);
  });
  const failure = firstFailure(results, (e) => isPodnetError(e) && e.code === ERROR_CODES.CANCELLED);
  if (failure) throw failure;
  return tails;
}
