// One lab, one owner; faults named and repaired — with real `podnet`
// processes against the real Docker daemon: two launches of one lab never
// destroy each other, two labs started together get different underlays,
// `down` during `up` stops the build cleanly, `gc` keeps a complete lab whose
// host was killed, `ls` names what is broken, and `repair` brings a
// restarted host back without touching its peers.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index';
import type { LabSummary } from '../../src/shared/lab';
import { PODNET, ROOT, ensureCliBuilt, podnet, type CliResult } from '../helpers/cli';
import { labObjects } from '../helpers/docker-objects';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, newEngine, upLab } from '../helpers/lab-fixture';

const dir = mkdtempSync(join(tmpdir(), 'podnet-lifecycle-'));
function labFile(name: string, text: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** `podnet up` as a process of its own; `onStderr` sees its progress as it comes. */
function startUp(file: string, onStderr?: (text: string) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PODNET, 'up', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => {
      stderr += b;
      onStderr?.(stderr);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const LABS = ['it-lc-one', 'it-lc-a', 'it-lc-b', 'it-lc-c', 'it-lc-down', 'it-lc-three'];

await describeWithDocker('one lab, one owner; faults named and repaired', () => {
  let engine: Engine;
  const docker = new Docker();
  const started = async (container: string) => (await docker.getContainer(container).inspect()).State.StartedAt;
  const listed = async (lab: string): Promise<LabSummary | undefined> => (JSON.parse((await podnet(['ls', '--json'])).stdout) as LabSummary[]).find((l) => l.name === lab);

  beforeAll(async () => {
    ensureCliBuilt();
    engine = newEngine();
    for (const lab of LABS) await engine.down(lab);
  });
  afterAll(async () => {
    for (const lab of LABS) await engine.down(lab).catch(() => undefined);
    await engine.dispose();
  });

  it('two `podnet up` of one file at once: exactly one builds it, the other exits 1 and touches nothing; the lab pings', async () => {
    const file = labFile('one', builtinLab('flannel-vxlan.yaml', 'it-lc-one'));
    const results = await Promise.all([startUp(file), startUp(file)]);
    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map((r) => r.stderr).join('\n')).toEqual([0, 1]);
    const loser = results.find((r) => r.code === 1)!;
    expect(loser.stderr).toMatch(/lab it-lc-one is being built by pid \d+ on this machine|a lab named "it-lc-one" is already running/);
    expect(loser.stderr).not.toMatch(/HTTP code/);
    expect((await labObjects('it-lc-one')).length).toBe(4); // switch, host1, host2, built marker
    const ping = await engine.ping('it-lc-one', 'host1/a', 'host2/b', { count: 1 });
    expect(ping.ok, ping.output).toBe(true);
  });

  it('different labs started together get different underlays', async () => {
    const names = ['it-lc-a', 'it-lc-b', 'it-lc-c'];
    const ups = await Promise.all(names.map((n) => startUp(labFile(n, `name: ${n}\nhosts: 1\n`))));
    for (const r of ups) expect(r.code, r.stderr).toBe(0);
    const underlays = await Promise.all(names.map(async (n) => (await listed(n))?.underlay));
    for (const u of underlays) expect(u).toMatch(/^198\.1[89]\.\d+\.0\/24$/);
    expect(new Set(underlays).size).toBe(3);
  });

  it('`down` during `up`: up stops with "removed while it was being built", exit 1, and nothing is left', async () => {
    const file = labFile('down', 'name: it-lc-down\nhosts: 8\npods: 2\n');
    let downed: Promise<string[]> | null = null;
    // As soon as the underlay exists (the hosts are still being made), the lab is removed from elsewhere.
    const up = await startUp(file, (text) => {
      if (!downed && /✓ underlay/.test(text)) downed = engine.down('it-lc-down');
    });
    expect(downed).not.toBeNull();
    await downed;
    expect(up.code, up.stderr).toBe(1);
    expect(up.stderr).toMatch(/lab it-lc-down was removed while it was being built/);
    expect(await labObjects('it-lc-down')).toEqual([]);
  });

  it('gc keeps a complete lab whose host was killed; ls and exec say `host2 stopped` instead of a Docker error', async () => {
    const lab = await upLab(engine, builtinLab('three-hosts.yaml', 'it-lc-three'));
    await docker.getContainer(`podnet-${lab}-host2`).kill();
    const gc = await podnet(['gc']);
    expect(gc.code).toBe(0);
    expect(gc.stdout).not.toMatch(/removed the remains of lab it-lc-three/);
    expect(gc.stdout).toMatch(/kept lab it-lc-three \(degraded: host2 stopped; bring it back: podnet repair it-lc-three\)/);
    expect((await labObjects(lab)).length).toBe(5);
    const ls = await podnet(['ls']);
    expect(ls.stdout).toMatch(/^it-lc-three {2}degraded: host2 stopped {2}docker/m);
    expect(ls.stdout).toMatch(/^it-lc-three {2}degraded: host2 stopped {2}docker .* {2}started by you$/m);
    expect(ls.stdout).toMatch(/ {2}host2 +198\.\S+ +STOPPED/);
    const exec = await podnet(['exec', lab, 'host2', '--', 'true']);
    expect(exec.code).toBe(1);
    expect(exec.stderr).toMatch(/host2 of lab it-lc-three is stopped\n {2}hint: bring it back: podnet repair it-lc-three/);
    expect(exec.stderr).not.toMatch(/HTTP code/);
  });

  it('gc leaves another user\'s unfinished lab alone, and down refuses it without --force', async () => {
    // What another user's build left on a shared engine: a container of theirs, never marked built, its builder gone.
    await docker.createContainer({
      name: 'podnet-it-lc-other-host1',
      Image: 'podnet/node:2',
      Cmd: ['true'],
      Labels: { 'podnet.lab': 'it-lc-other', 'podnet.host': 'host1', 'podnet.role': 'host', 'podnet.owner': 'ana@elsewhere', 'podnet.run': 'r0', 'podnet.builder': 'elsewhere:4242' },
    });
    try {
      const gc = await podnet(['gc']);
      expect(gc.stdout).not.toMatch(/it-lc-other/);
      expect((await labObjects('it-lc-other')).length).toBe(1);
      const down = await podnet(['down', 'it-lc-other']);
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(/lab it-lc-other belongs to ana@elsewhere, not to you .*\n {2}hint: .*podnet down it-lc-other --force/);
      expect((await labObjects('it-lc-other')).length).toBe(1);
      expect((await podnet(['down', 'it-lc-other', '--force'])).code).toBe(0);
      expect(await labObjects('it-lc-other')).toEqual([]);
    } finally {
      await docker.getContainer('podnet-it-lc-other-host1').remove({ force: true }).catch(() => undefined);
    }
  });

  it('repair after `docker restart` of a host: ls says degraded, then the cross-host pod ping works again and the peers were not touched', async () => {
    const lab = 'it-lc-three';
    expect((await podnet(['repair', lab])).code).toBe(0); // host2, killed above
    const peer = await started(`podnet-${lab}-host1`);
    await docker.getContainer(`podnet-${lab}-host2`).restart({ t: 1 });
    expect(await listed(lab)).toMatchObject({ status: 'degraded', faults: [{ part: 'host2', problem: 'restarted' }] });
    expect((await podnet(['ls'])).stdout).toMatch(/^it-lc-three {2}degraded: host2 restarted/m);
    expect((await engine.ping(lab, 'host1/a', '10.2.2.2', { count: 1 })).ok).toBe(false);

    const repair = await podnet(['repair', lab]);
    expect(repair.code, repair.stderr).toBe(0);
    expect(repair.stdout).toMatch(/repaired lab it-lc-three .*host2 restarted/);
    expect(repair.stdout).toMatch(/host2: started afresh, plugged into the underlay, its plan applied again/);
    const ping = await engine.ping(lab, 'host1/a', 'host2/a', { count: 2 });
    expect(ping.ok, ping.output).toBe(true);
    expect((await engine.ping(lab, 'host2/a', 'host3/a', { count: 1 })).ok).toBe(true);
    expect(await listed(lab)).toMatchObject({ status: 'running', faults: [] });
    expect(await started(`podnet-${lab}-host1`)).toBe(peer);
  });
});
