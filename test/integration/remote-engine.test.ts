// `engine: ssh://…`: the docker driver placing a lab on a Docker engine
// reached over SSH. The "remote" machine is an sshd container that can
// reach this machine's Docker socket (and has the docker CLI for
// `docker system dial-stdio`); the key comes from an ssh-agent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index';
import { expectFlannelVxlan, expectPing } from '../helpers/lab-behaviours';
import { builtinLab } from '../helpers/lab-fixture';
import { dockerProblem, skipFor } from '../helpers/prerequisites';
import { startVms, type VmFleet } from '../helpers/ssh-vms';

const RESOURCES = new URL('../../resources', import.meta.url).pathname;
const problem = await dockerProblem();
const LAB = 'drv-remote-engine';

describe.skipIf(skipFor(problem, 'remote Docker engine over SSH'))('docker driver on a remote engine (engine: ssh://…)', () => {
  let fleet: VmFleet;
  let engine: Engine;
  let stateDir: string;
  let agentPid = '';
  const savedSock = process.env.SSH_AUTH_SOCK;

  beforeAll(async () => {
    fleet = await startVms('drv-eng', 1, { binds: ['/var/run/docker.sock:/var/run/docker.sock', '/usr/bin/docker:/usr/bin/docker:ro'] });
    stateDir = mkdtempSync(join(tmpdir(), 'drv-eng-state-'));
    // The key is offered by an ssh-agent, as for `docker -H ssh://…`.
    const sock = join(fleet.dir, 'agent.sock');
    const out = execFileSync('ssh-agent', ['-s', '-a', sock], { encoding: 'utf8' });
    agentPid = /SSH_AGENT_PID=(\d+)/.exec(out)?.[1] ?? '';
    execFileSync('ssh-add', ['-q', fleet.keyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
    process.env.SSH_AUTH_SOCK = sock;
    engine = createEngine({ resourcesDir: RESOURCES, stateDir, hostKeys: { acceptNew: true } });
  }, 120_000);

  afterAll(async () => {
    await engine?.down(LAB).catch(() => undefined);
    await engine?.dispose();
    if (savedSock === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = savedSock;
    if (agentPid) process.kill(Number(agentPid));
    await fleet?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('comes up on the remote engine, answers pings, is listed, and goes down', async () => {
    const url = `ssh://root@${fleet.vms[0]!.ip}`;
    const r = await engine.up({ text: builtinLab('flannel-vxlan.yaml', LAB, [`engine: ${url}`]), file: 'remote.yaml' });
    expect(r.snapshot.hosts.map((h) => h.name)).toEqual(['host1', 'host2']);
    await expectPing(engine, LAB, 'host1/a', 'host2/b', true);
    expectFlannelVxlan(await engine.inspect(LAB));
    const listed = (await engine.list()).find((l) => l.name === LAB);
    expect(listed).toMatchObject({ driver: 'docker', status: 'running' });
    // The containers are on the engine the SSH machine talks to.
    const docker = new Docker();
    expect((await docker.listContainers({ filters: { label: [`podnet.lab=${LAB}`] } })).length).toBe(3);
    await engine.down(LAB);
    expect((await docker.listContainers({ all: true, filters: { label: [`podnet.lab=${LAB}`] } })).length).toBe(0);
    expect((await engine.list()).some((l) => l.name === LAB)).toBe(false);
  });
});
