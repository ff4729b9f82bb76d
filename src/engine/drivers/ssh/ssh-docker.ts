// A Docker engine on another machine, reached over SSH as the docker CLI
// does (`docker system dial-stdio` on the remote side). dockerode speaks
// HTTP through an agent whose sockets are channels of ONE verified ssh2
// connection — the host key is checked against Podnet's known hosts, and
// each API call costs a channel, not a new SSH login.
import { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { dockerode } from '../../util/lazy-require';
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError } from '../../errors';
import type { SshConnection } from './ssh-connection';
import type { SshTarget } from './ssh-target';

/** `ssh://[user@]host[:port]` → who and where. */
export function parseSshEngine(url: string): Pick<SshTarget, 'user' | 'address' | 'port'> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PodnetError(ERROR_CODES.USAGE, `"${url}" is not an engine address`, { hint: 'write engine: ssh://user@host' });
  }
  if (u.protocol !== 'ssh:' || !u.hostname) throw new PodnetError(ERROR_CODES.USAGE, `"${url}" is not an ssh:// engine address`, { hint: 'write engine: ssh://user@host' });
  return { user: decodeURIComponent(u.username) || 'root', address: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 22 };
}

export function dockerOverSsh(conn: SshConnection): Docker {
  const agent = new Agent({ keepAlive: false, maxSockets: 8 });
  // Node's Agent accepts a socket handed to the callback later: here, a channel running dial-stdio.
  (agent as unknown as { createConnection: (o: unknown, cb: (err: Error | null, s?: Duplex) => void) => undefined }).createConnection = (_o, cb) => {
    conn.openChannel('docker system dial-stdio', { wait: true }).then(
      ({ channel }) => cb(null, channel as unknown as Duplex),
      (e: Error) => cb(e),
    );
    return undefined;
  };
  const Docker = dockerode();
  return new Docker({ protocol: 'http', host: 'docker-over-ssh', port: 2375, agent } as Docker.DockerOptions);
}
