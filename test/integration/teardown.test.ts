import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index';
import { PodnetError } from '../../src/engine/errors';
import { ROOT, PODNET, ensureCliBuilt, podnet } from '../helpers/cli';
import { labObjects } from '../helpers/docker-objects';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, newEngine, upLab } from '../helpers/lab-fixture';

await describeWithDocker('teardown', () => {
  let engine: Engine;
  beforeAll(() => {
    engine = newEngine();
    ensureCliBuilt();
  });
  afterAll(async () => {
    for (const lab of ['it-down', 'it-cancel', 'it-killed']) await engine.down(lab);
    await engine.dispose();
  });

  it('down leaves no container, network or volume with the lab\'s label, and says so when run again', async () => {
    const lab = await upLab(engine, builtinLab('masquerade.yaml', 'it-down'));
    // switch, host1, host2, internet, and the volume that marks the lab as completely built
    expect((await labObjects(lab)).length).toBe(5);
    expect(await engine.down(lab)).toHaveLength(4);
    expect(await labObjects(lab)).toEqual([]);
    const again = await podnet(['down', lab]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to remove: no lab named "it-down" is running/);
  });

  it('a cancelled up removes what it had created', async () => {
    const controller = new AbortController();
    const text = builtinLab('flannel-vxlan.yaml', 'it-cancel');
    const up = engine.up({ text }, { signal: controller.signal, onProgress: (p) => p.phase === 'hosts' && p.status === 'started' && controller.abort() });
    await expect(up).rejects.toSatisfy((e) => e instanceof PodnetError && e.code === 'E_CANCELLED');
    expect(await labObjects('it-cancel')).toEqual([]);
  });

  it('after kill -9 of `podnet up` mid-build, `podnet gc` leaves nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podnet-it-'));
    const file = join(dir, 'killed.yaml');
    writeFileSync(file, builtinLab('three-hosts.yaml', 'it-killed'));
    const child = spawn(process.execPath, [PODNET, 'up', file], { cwd: ROOT, stdio: 'ignore' });
    // Kill it as soon as the first of its containers exists.
    for (let i = 0; i < 500 && (await labObjects('it-killed')).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await labObjects('it-killed')).length).toBeGreaterThan(0);
    const gc = await podnet(['gc']);
    expect(gc.code).toBe(0);
    expect(gc.stdout).toMatch(/removed the remains of lab it-killed/);
    expect(await labObjects('it-killed')).toEqual([]);
  });

  it('gc keeps a complete lab', async () => {
    const lab = await upLab(engine, builtinLab('pod-cidr.yaml', 'it-down'));
    const gc = await podnet(['gc']);
    expect(gc.stdout).not.toMatch(/removed the remains of lab it-down/);
    expect((await labObjects(lab)).length).toBe(4); // switch, host1, host2, built marker
    await engine.down(lab);
  });
});
