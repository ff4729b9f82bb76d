// How Podnet proves who it is to a machine: the ssh-agent when there is one,
// then the identity file of the host (or the default keys). Keys are read
// from where they are; nothing is written anywhere, and a key protected by a
// passphrase must come through the agent (no passphrase is ever asked or kept).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ssh2 } from '../../util/lazy-require';
import type { AgentAuthMethod, PublicKeyAuthMethod } from 'ssh2';
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError } from '../../errors';
import { expandHome, type SshTarget } from './ssh-target';

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export interface AuthPlan {
  methods: (AgentAuthMethod | PublicKeyAuthMethod)[];
  /** Keys that could not be used, and why (shown when everything fails). */
  skipped: string[];
}

export function authPlan(t: Pick<SshTarget, 'user' | 'identityFile'>, env: NodeJS.ProcessEnv = process.env, home = homedir()): AuthPlan {
  const methods: AuthPlan['methods'] = [];
  const skipped: string[] = [];
  if (env.SSH_AUTH_SOCK) methods.push({ type: 'agent', username: t.user, agent: env.SSH_AUTH_SOCK });
  const files = t.identityFile ? [expandHome(t.identityFile, home)] : DEFAULT_KEYS.map((k) => join(home, '.ssh', k)).filter((f) => existsSync(f));
  for (const file of files) {
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch (e) {
      skipped.push(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((e as Error).message)}`);
      continue;
    }
    const parsed = ssh2().utils.parseKey(text);
    if (parsed instanceof Error) {
      skipped.push(/encrypt|passphrase/i.test(parsed.message) ? `${file} is protected by a passphrase: add it to your agent (ssh-add ${file})` : `${file}: ${parsed.message}`);
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
