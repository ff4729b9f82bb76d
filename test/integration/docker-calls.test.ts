// Calls to Docker fail with messages a person understands and never hang:
// the real daemon's refusals (404, 409) are said in words with the status
// kept for the code that acts on it; an engine that accepts a connection and
// then never answers (a stuck daemon, played by a socket that reads and says
// nothing) fails at the deadline, naming what was asked.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { guardDockerCalls } from '../../src/engine/drivers/docker/docker-calls';
import { NODE_IMAGE } from '../../src/engine/drivers/docker/node-image';
import { createContainer } from '../../src/engine/drivers/docker/create-container';
import { dockerProblem, skipFor } from '../helpers/prerequisites';

const problem = await dockerProblem();
const NAME = 'podnet-docker-calls-test';

describe.skipIf(skipFor(problem, 'docker calls'))('calls to Docker', () => {
  const docker = guardDockerCalls(new Docker(), 'the local socket');
  afterAll(async () => {
    await new Docker().getContainer(NAME).remove({ force: true }).catch(() => undefined);
  });

  it('says what was refused, in words, and keeps the status (404, 409)', async () => {
    const missing = await docker.getContainer('podnet-no-such-container').inspect().catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'E_APPLY', statusCode: 404, message: expect.stringMatching(/^Docker could not inspect podnet-no-such-container: No such container: podnet-no-such-container$/) });

    const container = await createContainer(docker, { name: NAME, Image: NODE_IMAGE, Cmd: ['sleep', 'infinity'], Labels: { 'podnet.test': 'docker-calls', big: 'x'.repeat(300 * 1024) } });
    const again = await createContainer(docker, { name: NAME, Image: NODE_IMAGE, Cmd: ['true'] }).catch((e: unknown) => e);
    expect(again).toMatchObject({ statusCode: 409, message: expect.stringMatching(/^Docker could not create a container: Conflict\. The container name "\/podnet-docker-calls-test" is already in use/) });
    // Not started: a command in it is refused with Docker's reason, not "(HTTP code 409) unexpected".
    const exec = await container.exec({ Cmd: ['true'] }).catch((e: unknown) => e);
    expect(exec).toMatchObject({ statusCode: 409, message: expect.stringMatching(/^Docker could not run a command in [0-9a-f]{12}: Container [0-9a-f]{64} is not running$/) });
    expect(String((exec as Error).message)).not.toContain('HTTP code');
  });

  it('creates a container with its labels in the body only: 300 KiB of labels fit (they made the request line too large before)', async () => {
    const info = await docker.getContainer(NAME).inspect();
    expect(info.Config.Labels.big).toHaveLength(300 * 1024);
  });

  it('refuses labels beyond 512 KiB before asking Docker', async () => {
    await expect(createContainer(docker, { name: `${NAME}-2`, Image: NODE_IMAGE, Labels: { big: 'x'.repeat(600 * 1024) } })).rejects.toMatchObject({
      code: 'E_SPEC',
      message: expect.stringMatching(/the lab is too large to record on container podnet-docker-calls-test-2: its labels take 600\.0 KiB, at most 512 KiB/),
    });
  });
});

describe('a Docker engine that never answers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podnet-stuck-docker-'));
  const socketPath = join(dir, 'docker.sock');
  let server: Server;
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a call at the deadline, naming what was asked and what to do', async () => {
    server = createServer((socket) => socket.resume()); // reads the request, never answers
    await new Promise<void>((r) => server.listen(socketPath, r));
    const docker = guardDockerCalls(new Docker({ socketPath }), `unix://${socketPath}`, 300);
    const started = Date.now();
    await expect(docker.listContainers({ all: true })).rejects.toMatchObject({
      code: 'E_BACKEND_UNAVAILABLE',
      message: `Docker at unix://${socketPath} did not list containers within 300 ms`,
      hint: expect.stringContaining('docker info'),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    // A stream that never starts (a command's output) has the same deadline.
    await expect(docker.getContainer('x').exec({ Cmd: ['true'] })).rejects.toThrow(/did not run a command in x within 300 ms/);
  });

  it('says that an engine is not there, keeping the socket error for the caller', async () => {
    const gone = join(dir, 'gone.sock');
    const e = (await guardDockerCalls(new Docker({ socketPath: gone }), `unix://${gone}`)
      .listContainers()
      .then(() => null, (x: unknown) => x)) as Error & { cause?: { code?: string } };
    expect(e).toMatchObject({ code: 'E_BACKEND_UNAVAILABLE', message: `Docker at unix://${gone} could not list containers: its socket does not exist` });
    expect(e.cause?.code).toBe('ENOENT');
  });
});
