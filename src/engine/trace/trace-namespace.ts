// Where the trace runs commands: one namespace of one host. The engine binds
// HostDriver.exec/spawn (src/engine/drivers/host-driver.ts) to a lab, a host
// and, for a pod, `ip netns exec <ns>` — as it does for captures.
import type { ExecResult } from '../../shared/lab';
import type { ExecOptions, SpawnOptions, SpawnedProcess } from '../drivers/host-driver';

export interface TraceNamespace {
  /** Who it is: `host1`, `host1/a`, `underlay`. */
  node: string;
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  spawn(argv: string[], opts: SpawnOptions): Promise<SpawnedProcess>;
}
