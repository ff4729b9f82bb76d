// Heavy CommonJS libraries (dockerode pulls in gRPC and protobufjs; ssh2 its
// crypto) are loaded the first time a driver needs them, not when the
// engine starts: a local lab never pays for Docker or SSH.
import { createRequire } from 'node:module';
import type DockerType from 'dockerode';
import type * as Ssh2 from 'ssh2';

const load = createRequire(import.meta.url);

export const dockerode = (): typeof DockerType => load('dockerode') as typeof DockerType;
export const ssh2 = (): typeof Ssh2 => load('ssh2') as typeof Ssh2;
