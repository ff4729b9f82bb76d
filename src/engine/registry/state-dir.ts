// Where this user's Podnet state lives (the lab registry, SSH known hosts):
// $PODNET_STATE_DIR, else $XDG_STATE_HOME/podnet, else ~/.local/state/podnet.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PODNET_STATE_DIR) return env.PODNET_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'podnet');
}
