// One SSH connection to a machine (ssh2), shared by everything that runs
// there: commands, the warm observation channel, terminals. The host key is
// checked against Podnet's known-hosts file before anything is sent. A
// dropped connection is reconnected on next use, with backoff: while a
// machine is away, reads fail fast (the host shows as unreachable) and
// user actions wait a little for it to come back.
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Client, ClientChannel, PseudoTtyOptions } from 'ssh2';
import { ssh2 } from '../../util/lazy-require';
import { ERROR_CODES } from '../../../shared/errors';
import type { ExecResult } from '../../../shared/lab';
import { PodnetError, cancelledError, isPodnetError } from '../../errors';
import type { ExecOptions } from '../host-driver';
import { authPlan, noAuthError } from './ssh-auth';
import { verifyHostKey, type HostKeyPolicy } from './host-key-policy';
import type { KnownHosts } from './known-hosts';
import { hostPattern } from './known-hosts';
import type { SshTarget } from './ssh-target';
import { formatDuration } from '../../util/duration';

/**
 * A session channel and how it ended. ssh2 parses every packet of a TCP
 * read at once: for a short command the exit status and the close can come
 * in the same read as the channel's opening, before any later code could
 * listen — so they are caught the moment the channel exists. (Output is
 * never lost: the streams hold it until read.)
 */
export interface OpenedChannel {
  channel: ClientChannel;
  /** The exit code; null when the channel closed without one (the connection was lost). */
  exited: Promise<number | null>;
}

/** Resolves once everything a stream held has been read (listen to its data first). */
export function drained(stream: Readable): Promise<void> {
  return finished(stream, { writable: false } as Parameters<typeof finished>[1]).catch(() => undefined);
}

export interface ConnectionDeps {
  known: KnownHosts;
  policy: HostKeyPolicy;
  readyTimeoutMs?: number;
  /** How long a user action waits for a machine that is away. */
  waitMs?: number;
}

const BACKOFF_MS = [0, 500, 1000, 2000, 4000, 8000];
/** A live connection (keepalives answered) whose server does not open a session within this is stuck. */
export const CHANNEL_OPEN_TIMEOUT_MS = 30_000;

/** Network trouble (worth retrying), as opposed to a refused key or login. */
const TRANSIENT = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|Timed out while waiting for handshake|connection to .* was lost|Connection lost/i;

export class SshConnection {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private failures = 0;
  private retryAt = 0;
  private lastError: Error | null = null;
  private closed = false;
  /** The address the machine was reached at (the SSH server's side of the connection). */
  serverAddress: string | null = null;

  constructor(readonly target: SshTarget, private readonly deps: ConnectionDeps) {}

  /** null: never tried; false: the last attempt failed or the connection dropped. */
  get reachable(): boolean | null {
    if (this.client) return true;
    return this.lastError ? false : null;
  }

  get error(): string | null {
    return this.lastError?.message ?? null;
  }

  /** The connected client; `wait`: retry with backoff for a while instead of failing at once. */
  async connect(opts: { wait?: boolean; signal?: AbortSignal } = {}): Promise<Client> {
    if (this.closed) throw new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `${this.target.host}: connection closed`);
    if (this.client) return this.client;
    const deadline = Date.now() + (opts.wait ? (this.deps.waitMs ?? 10_000) : 0);
    for (;;) {
      const wait = this.retryAt - Date.now();
      if (wait > 0) {
        if (Date.now() + wait > deadline) throw this.unreachable(wait);
        await sleep(wait, opts.signal);
      }
      try {
        return await (this.connecting ??= this.open().finally(() => (this.connecting = null)));
      } catch (e) {
        if (!isTransient(e) || Date.now() >= deadline) throw e;
      }
    }
  }

  /** `timeoutMs`: Podnet's own short commands (checks, teardown) are ended and refused after that long. */
  async exec(command: string, opts: ExecOptions & { wait?: boolean; timeoutMs?: number } = {}): Promise<ExecResult> {
    const { channel, exited } = await this.openChannel(command, opts);
    let timedOut = false;
    let giveUp = () => {};
    const gaveUp = new Promise<void>((resolve) => (giveUp = resolve));
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          // sshd keeps a closed channel until its command ends: signal the command, and stop waiting for it.
          channel.signal('KILL');
          channel.close();
          giveUp();
        }, opts.timeoutMs)
      : undefined;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    channel.on('data', (b: Buffer) => {
      out.push(b);
      opts.onStdout?.(b);
    });
    channel.stderr.on('data', (b: Buffer) => {
      err.push(b);
      opts.onStderr?.(b);
    });
    const onAbort = () => channel.close();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.stdin !== undefined) channel.end(opts.stdin);
    else channel.end();
    const [code] = await Promise.race([Promise.all([exited, drained(channel), drained(channel.stderr)]), gaveUp.then(() => [null] as const)]).finally(() => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    });
    if (opts.signal?.aborted) throw cancelledError();
    if (timedOut) {
      throw new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `${this.where()} did not finish a command within ${formatDuration(opts.timeoutMs!)}`, {
        hint: 'the machine is overloaded or something there blocks (a lock, a hung mount): check it over ssh, then try again',
      });
    }
    if (code === null) throw this.lost();
    return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  /** A session channel running `command` (with a PTY when asked). */
  async openChannel(command: string, opts: { wait?: boolean; signal?: AbortSignal; pty?: PseudoTtyOptions } = {}): Promise<OpenedChannel> {
    const client = await this.connect(opts);
    return new Promise((resolve, reject) => {
      let answered = false;
      const timer = setTimeout(() => {
        answered = true;
        reject(
          new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `${this.where()} did not open a session within ${formatDuration(CHANNEL_OPEN_TIMEOUT_MS)}`, {
            hint: 'its sshd may have reached MaxSessions, or the machine is overloaded; try again',
          }),
        );
      }, CHANNEL_OPEN_TIMEOUT_MS);
      const cb = (err: Error | undefined, channel: ClientChannel) => {
        clearTimeout(timer);
        if (answered) {
          channel?.close();
          return;
        }
        answered = true;
        if (err) return reject(this.translate(err));
        let code: number | null = null;
        channel.once('exit', (c: number | null, signal?: string) => (code = c ?? (signal ? 128 : -1)));
        const exited = new Promise<number | null>((done) => channel.once('close', () => done(code)));
        resolve({ channel, exited });
      };
      if (opts.pty) client.exec(command, { pty: opts.pty }, cb);
      else client.exec(command, cb);
    });
  }

  close(): void {
    this.closed = true;
    this.client?.end();
    this.client = null;
  }

  private async open(): Promise<Client> {
    const t = this.target;
    const auth = await authPlan(t);
    if (auth.methods.length === 0) throw noAuthError(t, auth);
    return new Promise((resolve, reject) => {
      const client = new (ssh2().Client)();
      let ready = false;
      let keyError: Error | null = null;
      client.on('ready', () => {
        ready = true;
        this.client = client;
        this.failures = 0;
        this.retryAt = 0;
        this.lastError = null;
        const sock = (client as unknown as { _sock?: { remoteAddress?: string } })._sock;
        this.serverAddress = sock?.remoteAddress?.replace(/^::ffff:/, '') ?? null;
        resolve(client);
      });
      client.on('error', (e: Error & { level?: string }) => {
        if (process.env.PODNET_DEBUG) process.stderr.write(`[ssh ${t.host}] error (ready=${ready}): ${e.level ?? ''} ${e.message}\n`);
        if (ready) return;
        const error = keyError ?? (e.level === 'client-authentication' ? this.loginRefused(auth.skipped) : this.translate(e));
        this.failed(error);
        reject(error);
      });
      client.on('close', () => {
        if (process.env.PODNET_DEBUG) process.stderr.write(`[ssh ${t.host}] close (ready=${ready}, deliberate=${this.closed})\n`);
        if (!ready) {
          if (!this.lastError) this.failed(this.lost());
          return reject(this.lastError);
        }
        if (this.client === client) {
          this.client = null;
          if (!this.closed) this.failed(this.lost());
        }
      });
      client.connect({
        host: t.address,
        port: t.port,
        username: t.user,
        readyTimeout: this.deps.readyTimeoutMs ?? 8000,
        keepaliveInterval: 2000,
        keepaliveCountMax: 3,
        authHandler: auth.methods,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          verifyHostKey(this.deps.known, this.deps.policy, { host: t.host, address: t.address, port: t.port }, key).then(
            () => verify(true),
            (e: Error) => {
              keyError = e;
              verify(false);
            },
          );
        },
      } as Parameters<Client['connect']>[0]);
    });
  }

  private failed(e: Error): void {
    this.lastError = e;
    this.retryAt = Date.now() + BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)]!;
    this.failures++;
  }

  private where(): string {
    return `${this.target.host} (${this.target.user}@${hostPattern(this.target.address, this.target.port)})`;
  }

  private unreachable(retryInMs: number): PodnetError {
    return new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `${this.where()} is unreachable: ${this.lastError?.message ?? 'no connection'} (retrying in ${Math.ceil(retryInMs / 1000)} s)`, {
      hint: 'check that the machine is up and its sshd runs; Podnet reconnects by itself when it is back',
    });
  }

  private lost(): PodnetError {
    return new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `connection to ${this.where()} was lost`, { hint: 'Podnet reconnects when the machine answers again' });
  }

  private loginRefused(skipped: string[]): PodnetError {
    const extra = skipped.length ? ` (not tried: ${skipped.join('; ')})` : '';
    return new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `${this.where()} refused every key offered${extra}`, {
      hint: `add your public key to ~${this.target.user}/.ssh/authorized_keys on the machine, or set hosts[].ssh.identityFile`,
    });
  }

  private translate(e: Error & { code?: string }): Error {
    if (isPodnetError(e)) return e;
    const code = e.code ?? '';
    const why =
      code === 'ECONNREFUSED'
        ? 'the connection was refused (is sshd running?)'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'the address does not resolve'
          : code === 'ETIMEDOUT' || /Timed out/.test(e.message)
            ? 'no answer'
            : e.message;
    return new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `cannot reach ${this.where()}: ${why}${code && !why.includes(code) ? ` (${code})` : ''}`, {
      hint: 'check the address and port in the lab file, and that the machine is up',
      cause: e,
    });
  }
}

function isTransient(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return TRANSIENT.test(`${e.message} ${cause?.code ?? ''} ${cause?.message ?? ''}`) && !(isPodnetError(e) && e.code === ERROR_CODES.HOST_KEY);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError());
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(cancelledError());
      },
      { once: true },
    );
  });
}
