// The Docker client of an engine: the local one (the socket, DOCKER_HOST, or
// the client the engine was given), or another machine's — by unix socket,
// TCP, or over SSH as the docker CLI does (ssh-docker.ts).
import { Agent } from 'node:http';
import type Docker from 'dockerode';
import { dockerode } from '../../util/lazy-require';
import type { DriverDeps } from '../driver-definition';
import { SshConnection } from '../ssh/ssh-connection';
import { dockerOverSsh, parseSshEngine } from '../ssh/ssh-docker';

/** `engine` null: the local engine. */
export function dockerClient(engine: string | null, deps: DriverDeps): Docker {
  if (!engine) return deps.options.docker ?? new (dockerode())(withAgent({}, deps));
  const Docker = dockerode();
  if (engine.startsWith('unix://')) return new Docker(withAgent({ socketPath: engine.slice('unix://'.length) }, deps));
  if (engine.startsWith('tcp://')) {
    const u = new URL(engine);
    return new Docker(withAgent({ protocol: 'http', host: u.hostname, port: Number(u.port || 2375) }, deps));
  }
  const who = parseSshEngine(engine);
  const conn = new SshConnection({ host: `engine ${engine}`, ...who, identityFile: null, iface: null }, { known: deps.knownHosts, policy: deps.options.hostKeys });
  deps.onDispose(() => conn.close());
  return dockerOverSsh(conn);
}

/**
 * Client options with a connection pool of this engine's own (docker-modem takes `agent`; its types do not
 * list it), destroyed with the engine: Docker does not always end a connection itself (an exec started
 * while its container is being removed stays open for good).
 */
function withAgent(options: Docker.DockerOptions, deps: DriverDeps): Docker.DockerOptions {
  const agent = new Agent({ keepAlive: true });
  deps.onDispose(() => agent.destroy());
  return { ...options, agent } as Docker.DockerOptions;
}
