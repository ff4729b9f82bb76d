// How Podnet proves who it is to a machine: the ssh-agent when there is one,
// then the identity file of the host (or the default keys). Keys are read
// from where they are, asynchronously and bounded (a regular file of at
// most 64 KiB: a FIFO would block, /dev/zero would fill memory); nothing is
// written anywhere, and a key protected by a passphrase must come through
// the agent (no passphrase is ever asked or kept).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ssh2 } from '../../util/lazy-require';
import type { AgentAuthMethod, PublicKeyAuthMethod } from 'ssh2';
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError } from '../../errors';
import { UnreadableFileError, formatBytes, readBoundedFile } from '../../util/read-bounded-file';
import { expandHome, type SshTarget } from './ssh-target';

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
/** A private key is a few KiB (RSA 16384 bits: ~12 KiB); nothing larger is read. */
export const MAX_KEY_BYTES = 64 * 1024;

export interface AuthPlan {
  methods: (AgentAuthMethod | PublicKeyAuthMethod)[];
  /** Keys that could not be used, and why (shown when everything fails). */
  skipped: string[];
}

/** The identity file a lab names cannot be used at all: bad input, said at once (not "every key refused"). */
function badIdentityFile(t: Pick<SshTarget, 'host'>, file: string, why: string): PodnetError {
  return new PodnetError(ERROR_CODES.USAGE, `${t.host}: ssh.identityFile ${file} cannot be used: ${why}`, {
    hint: `point hosts[].ssh.identityFile at a private key file of at most ${formatBytes(MAX_KEY_BYTES)} (a relative path is relative to the lab file), or remove it to use the agent and ~/.ssh/id_*`,
  });
}

export async function authPlan(t: Pick<SshTarget, 'host' | 'user' | 'identityFile'>, env: NodeJS.ProcessEnv = process.env, home = homedir()): Promise<AuthPlan> {
  const methods: AuthPlan['methods'] = [];
  const skipped: string[] = [];
  if (env.SSH_AUTH_SOCK) methods.push({ type: 'agent', username: t.user, agent: env.SSH_AUTH_SOCK });
  const named = t.identityFile ? expandHome(t.identityFile, home) : null;
  const files = named ? [named] : DEFAULT_KEYS.map((k) => join(home, '.ssh', k));
  for (const file of files) {
    let text: Buffer;
    try {
      text = await readBoundedFile(file, MAX_KEY_BYTES);
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      if (!named && e.reason === 'missing') continue; // a default key that is not there
      if (named && e.reason !== 'missing' && e.reason !== 'no-permission') throw badIdentityFile(t, file, e.why);
      skipped.push(`${file}: ${e.why}`);
      continue;
    }
    const parsed = ssh2().utils.parseKey(text);
    if (parsed instanceof Error) {
      if (/encrypt|passphrase/i.test(parsed.message)) skipped.push(`${file} is protected by a passphrase: add it to your agent (ssh-add ${file})`);
      else if (named) throw badIdentityFile(t, file, `it is not a private key (${parsed.message})`);
      else skipped.push(`${file}: ${parsed.message}`);
      continue;
    }
    methods.push({ type: 'publickey', username: t.user, key: text });
  }
  return { methods, skipped };
}

export function noAuthError(t: SshTarget, plan: AuthPlan): PodnetError {
  const why = plan.skipped.length ? ` (${plan.skipped.join('; ')})` : '';
  return new PodnetError(ERROR_CODES.BACKEND_UNAVAILABLE, `no SSH key to log in to ${t.host} as ${t.user}${why}`, {
    hint: 'start ssh-agent and `ssh-add` your key, or set hosts[].ssh.identityFile in the lab file',
  });
}
