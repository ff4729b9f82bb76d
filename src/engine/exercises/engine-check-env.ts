// CheckEnv on a running lab, through the engine facade.
import type { Engine } from '../index';
import type { CheckEnv } from './check-env';

/** After the traffic, the captures wait this long for the last packets. */
const SETTLE_MS = 150;

export type LabOps = Pick<Engine, 'inspect' | 'exec' | 'ping' | 'startCapture'>;

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
