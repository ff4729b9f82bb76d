// Every call to a Docker engine has a deadline and fails with a message a
// person understands — never a raw "(HTTP code 409) unexpected - …" or a
// socket error code. Done once, where dockerode hands each request to its
// modem: a plain call must be answered within the deadline; a streamed or
// hijacked one (exec, attach, image build) must start within it (its
// stream then runs as long as it runs); an upload (image import) gets longer.
import type Docker from 'dockerode';
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError, isPodnetError } from '../../errors';
import { formatDuration } from '../../util/duration';

export const DOCKER_CALL_TIMEOUT_MS = 120_000;
export const DOCKER_UPLOAD_TIMEOUT_MS = 15 * 60_000;
/** Calls slower than this are told with PODNET_DEBUG=1. */
const SLOW_MS = 5_000;

interface DialOptions {
  path: string;
  method: string;
  file?: unknown;
  abortSignal?: AbortSignal;
}
type DialCallback = (err: unknown, data?: unknown) => void;
type Dial = (options: DialOptions, callback: DialCallback) => unknown;

const GUARDED = Symbol.for('podnet.docker-calls');

/** What a call was for, in words: `POST /v1.41/containers/podnet-x-host1/start` → "start podnet-x-host1". */
export function describeDockerCall(method: string, path: string): string {
  const p = path.replace(/^\/v[\d.]+/, '').split('?')[0]!;
  // Container and exec ids as `docker ps` shows them (12 hex digits).
  const parts = p.split('/').filter(Boolean).map((s) => decodeURIComponent(s).replace(/^([0-9a-f]{12})[0-9a-f]{52}$/, '$1'));
  const [kind, id, action] = parts;
  if (kind === '_ping') return 'answer a ping';
  if (kind === 'containers') {
    if (id === 'create') return 'create a container';
    if (id === 'json') return 'list containers';
    if (!action) return method === 'DELETE' ? `remove ${id}` : `read ${id}`;
    if (action === 'json') return `inspect ${id}`;
    if (action === 'exec') return `run a command in ${id}`;
    return `${action} ${id}`;
  }
  if (kind === 'exec') return action === 'json' ? 'read how a command ended' : action === 'start' ? 'start a command' : `${action ?? 'use'} a command`;
  if (kind === 'networks') return id ? `${method === 'DELETE' ? 'remove' : 'read'} network ${id}` : 'list networks';
  if (kind === 'volumes') return id ? `${method === 'DELETE' ? 'remove' : 'read'} volume ${id}` : 'list volumes';
  if (kind === 'images') return id === 'create' ? 'pull an image' : `${action === 'json' ? 'inspect' : method === 'DELETE' ? 'remove' : 'use'} image ${[id, action].filter((x) => x && x !== 'json').join('/')}`;
  if (kind === 'build') return 'build an image';
  return `${method} ${p}`;
}

/** A failed call as a PodnetError; the HTTP status stays on it (`statusCode`) for callers that act on 404 or 409. */
export function dockerCallError(e: unknown, what: string, engine: string): unknown {
  if (isPodnetError(e) || (e as { name?: string })?.name === 'AbortError') return e;
  const err = e as { statusCode?: number; json?: { message?: string } | null; reason?: string; code?: string; message?: string };
  if (typeof err?.statusCode === 'number') {
    const reason = (err.json && typeof err.json === 'object' ? err.json.message : undefined) ?? err.reason ?? `status ${err.statusCode}`;
    const code = err.statusCode >= 500 ? ERROR_CODES.BACKEND_UNAVAILABLE : ERROR_CODES.APPLY;
    return Object.assign(new PodnetError(code, `Docker could not ${what}: ${String(reason).trim()}`, { cause: e }), { statusCode: err.statusCode });
  }
  const sys = err?.code ?? '';
  if (/^(ECONNREFUSED|ENOENT|EACCES|ECONNRESET|EPIPE|EHOSTUNREACH|ETIMEDOUT|ENOTFOUND)$/.test(sys)) {
    return new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `Docker at ${engine} could not ${what}: ${sys === 'EACCES' ? 'permission denied on its socket' : sys === 'ENOENT' ? 'its socket does not exist' : `the connection failed (${sys})`}`, {
      hint: 'check that the Docker daemon runs and that you may use it (`docker info`)',
      cause: e,
    });
  }
  return e;
}

/**
 * Puts a deadline and readable errors on every request of this client
 * (once per client; calling it again does nothing). `engine` names the
 * engine in messages.
 */
export function guardDockerCalls(docker: Docker, engine: string, timeoutMs = DOCKER_CALL_TIMEOUT_MS): Docker {
  const modem = docker.modem as unknown as { dial: Dial; [GUARDED]?: true };
  if (modem[GUARDED]) return docker;
  modem[GUARDED] = true;
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const what = describeDockerCall(options.method, options.path);
    const limit = options.file ? DOCKER_UPLOAD_TIMEOUT_MS : timeoutMs;
    const deadline = new AbortController();
    const started = Date.now();
    let answered = false;
    const timer = setTimeout(() => {
      if (answered) return;
      answered = true;
      deadline.abort();
      callback(
        new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `Docker at ${engine} did not ${what} within ${formatDuration(limit)}`, {
          hint: 'Docker is overloaded or stuck: check `docker info`, and try again when it answers',
        }),
      );
    }, limit);
    const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, deadline.signal]) : deadline.signal;
    return dial({ ...options, abortSignal: signal }, (err, data) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      const ms = Date.now() - started;
      if (ms > SLOW_MS && process.env.PODNET_DEBUG) process.stderr.write(`[docker] ${what}: ${ms} ms\n`);
      callback(err ? dockerCallError(err, what, engine) : null, data);
    });
  };
  return docker;
}
