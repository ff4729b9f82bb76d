// Which process built a lab (`<machine>:<pid>:<start ticks>`): a lab whose
// builder is still running on this machine may be half built on purpose
// (it is being built), one whose builder is gone and that never finished is
// the remains of a crash — what `gc` removes.
import { machineName, processAlive, processStartTicks } from '../util/process-identity';

export function currentBuilder(): string {
  const start = processStartTicks(process.pid);
  return `${machineName()}:${process.pid}${start ? `:${start}` : ''}`;
}

/** Is the process that built a lab still running on this machine (this very process included)? */
export function builderAlive(builder: string): boolean {
  const [machine, pidText, start] = builder.split(':');
  return machine === machineName() && processAlive(Number(pidText), start ?? null);
}

/** Was the lab built from this machine? (A builder elsewhere cannot be asked whether it still runs.) */
export function builderHere(builder: string): boolean {
  return builder.split(':')[0] === machineName();
}

/** The builder's PID when it runs on this machine, for messages ("being built by pid 4242"). */
export function builderPid(builder: string): number | null {
  const [machine, pidText] = builder.split(':');
  return machine === machineName() && /^\d+$/.test(pidText ?? '') ? Number(pidText) : null;
}

