// One namespace's part of a trace: the session script (trace-session-script.ts)
// started through the driver's `spawn`, ready once its table marks the flow
// and its monitor listens; `finish` stops it and returns everything it printed.
import type { SpawnOptions, SpawnedProcess } from '../drivers/host-driver';
import { ERROR_CODES } from '../../shared/errors';
import { PodnetError } from '../errors';
import { parseSessionOutput, type SessionOutput } from './session-output';
import { SAY, traceSessionArgv } from './trace-session-script';

/** A session prints at most this much (a namespace with a huge ruleset, a flood of events); then it is stopped. */
export const MAX_SESSION_OUTPUT = 32 * 1024 * 1024;
const READY_TIMEOUT_MS = 10_000;
const FINISH_TIMEOUT_MS = 10_000;

export interface TraceSessionInput {
  /** Who the namespace is, for messages (`host1`, `host1/a`). */
  node: string;
  table: string;
  /** The trace table as nft commands (trace-table.ts). */
  commands: string;
  /** The table removes itself after this long, whatever happens to the caller. */
  ttlSeconds: number;
  spawn(argv: string[], opts: SpawnOptions): Promise<SpawnedProcess>;
}

export interface TraceSession {
  readonly node: string;
  /** Stops the trace (the table goes) and returns what the session printed. Safe to call more than once. */
  finish(): Promise<SessionOutput>;
}

export async function startTraceSession(input: TraceSessionInput): Promise<TraceSession> {
  const chunks: Buffer[] = [];
  let size = 0;
  let stderr = '';
  let overflow = false;
  let markReady!: (ok: boolean) => void;
  const ready = new Promise<boolean>((resolve) => (markReady = resolve));
  let proc: SpawnedProcess | null = null;
  let tail = '';

  const onStdout = (chunk: Buffer) => {
    if (size + chunk.length > MAX_SESSION_OUTPUT) {
      if (!overflow) void proc?.kill('INT');
      overflow = true;
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
    // Only the last partial line and the new bytes are searched for the script's own words.
    tail += chunk.toString('utf8');
    const lines = tail.split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) {
      if (line === `${SAY}ready`) markReady(true);
      else if (line.startsWith(`${SAY}error`)) markReady(false);
    }
  };
  const onStderr = (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  };

  proc = await input.spawn(traceSessionArgv(input.table, input.commands, input.ttlSeconds), { onStdout, onStderr });
  const p = proc;
  const exited = p.exited;
  const output = () => parseSessionOutput(Buffer.concat(chunks).toString('utf8'));

  let finished: Promise<SessionOutput> | null = null;
  const finish = () =>
    (finished ??= (async () => {
      await p.kill('INT');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), FINISH_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      // Killed, the table still goes: its owner (`nft -i`) reads EOF when the shell is gone.
      if (timedOut) await p.kill('KILL');
      await exited;
      const out = output();
      if (overflow) out.errors.push(`the trace printed more than ${MAX_SESSION_OUTPUT / 1024 / 1024} MB and was stopped`);
      if (timedOut) out.errors.push(`the trace did not end within ${FINISH_TIMEOUT_MS / 1000} s and was killed`);
      return out;
    })());

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then((ok) => (ok ? ('ready' as const) : ('error' as const))),
    exited.then(() => 'ended' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    const out = await finish();
    const said = [...out.errors, stderr.trim()].filter(Boolean).join('; ') || (outcome === 'timeout' ? `not ready within ${READY_TIMEOUT_MS / 1000} s` : 'it ended at once');
    throw new PodnetError(ERROR_CODES.INTERNAL, `tracing in ${input.node} failed: ${said}`, {
      hint: 'the node needs bash, nft (nftables ≥ 1.0), conntrack and a kernel with nf_tables tracing',
    });
  }
  return { node: input.node, finish };
}
