// CheckEnv on a running lab, through the engine facade.
import type { CaptureListener, CaptureRequest } from '../../shared/capture';
import type { ExecResult } from '../../shared/lab';
import type { Snapshot } from '../../shared/snapshot';
import type { PingOptions, PingResult } from '../access/ping-target';
import type { CaptureSession } from '../capture/capture-session';
import type { ExecOptions } from '../drivers/host-driver';
import type { CheckEnv } from './check-env';

/** After the traffic, the captures wait this long for the last packets. */
const SETTLE_MS = 150;

/** What checks do on a running lab (the engine facade is one). */
export interface LabOps {
  inspect(lab: string): Promise<Snapshot>;
  exec(lab: string, target: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  ping(lab: string, from: string, to: string, opts?: PingOptions): Promise<PingResult>;
  startCapture(lab: string, request: CaptureRequest, listener?: CaptureListener): Promise<CaptureSession>;
}

export function engineCheckEnv(engine: LabOps, lab: string): CheckEnv {
  return {
    lab,
    snapshot: () => engine.inspect(lab),
    exec: (target, argv) => engine.exec(lab, target, argv),
    ping: (from, to, count) => engine.ping(lab, from, to, { count }),
    async capture(target, iface, filter, during) {
      const session = await engine.startCapture(lab, { target, iface, ...(filter ? { filter } : {}) });
      try {
        await during();
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      } finally {
        await session.stop();
      }
      return session.packets();
    },
  };
}
