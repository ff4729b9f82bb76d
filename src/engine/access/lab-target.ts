// A target of a running lab (`host1`, `host1/a`, `internet`) as the access
// use cases reach it: the driver holding the lab, the target checked
// against the lab's spec, and how a command runs there (in a pod: through
// its network namespace).
import type { ExecResult } from '../../shared/lab';
import type { DriverRegistry } from '../drivers/driver-registry';
import type { ExecOptions, HostDriver, SpawnOptions, SpawnedProcess } from '../drivers/host-driver';
import type { LabSpec } from '../spec/lab-spec';
import { streamCommand } from '../stream-command';
import { checkTarget, parseTarget, type Target } from '../targets';
import { collectingStream } from '../util/collecting-stream';

export interface LabTarget {
  lab: string;
  driver: HostDriver;
  target: Target;
  /** The running lab's spec (null: its description is lost). */
  spec: LabSpec | null;
}

/** The target `text` of a running lab, checked against its spec (LAB_NOT_FOUND, TARGET). */
export async function reachTarget(drivers: DriverRegistry, lab: string, text: string): Promise<LabTarget> {
  const target = parseTarget(text);
  const { driver } = await drivers.locate(lab);
  const spec = await driver.labSpec(lab);
  checkTarget(spec, lab, target);
  return { lab, driver, target, spec };
}

/** An argv as it runs on the target's host: in a pod, inside the pod's network namespace. */
export function inTarget(t: LabTarget, argv: string[]): string[] {
  return t.target.pod ? ['ip', 'netns', 'exec', t.driver.planContext.podNetns(t.target.host, t.target.pod), ...argv] : argv;
}

/** Starts an argv in the target as a process that streams, pauses and can be signalled. */
export function spawnIn(t: LabTarget, argv: string[], o: SpawnOptions): Promise<SpawnedProcess> {
  return t.driver.spawn(t.lab, t.target.host, inTarget(t, argv), o);
}

/** Runs an argv in the target to its end; with `opts.signal`, cancelling ends the command on its host too (a plain exec would only stop waiting for it). */
export async function execIn(t: LabTarget, argv: string[], opts?: ExecOptions): Promise<ExecResult> {
  const signal = opts?.signal;
  if (!signal) return t.driver.exec(t.lab, t.target.host, inTarget(t, argv), opts);
  const stdout = collectingStream(opts.onStdout);
  const stderr = collectingStream(opts.onStderr);
  const code = await streamCommand((o) => spawnIn(t, argv, o), { stdout, stderr, signal, ...(opts.stdin !== undefined ? { stdin: Buffer.from(opts.stdin) } : {}) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
