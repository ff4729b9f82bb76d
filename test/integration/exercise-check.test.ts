// `podnet exercise start/show/check` on a live lab: every check reflects the
// real state — breaking something by hand turns it red, repairing it green.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index';
import type { StepCheck } from '../../src/shared/exercise';
import { podnet } from '../helpers/cli';
import { describeWithDocker } from '../helpers/docker-required';
import { newEngine } from '../helpers/lab-fixture';

const LAB = 'ex-check';

await describeWithDocker('checking an exercise against the real state of its lab', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = newEngine();
    await engine.down(LAB);
    const r = await podnet(['exercise', 'start', 'flannel-vxlan', '--lab', LAB]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await engine.down(LAB);
    await engine.dispose();
  });

  it('lists the exercises (JSON)', async () => {
    const r = await podnet(['exercise', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(13);
  });

  it('show fills the commands in from the running lab', async () => {
    const mac = (await engine.inspect(LAB)).hosts[1]!.interfaces.find((i) => i.name === 'flannel.1')!.mac!;
    const r = await podnet(['exercise', 'show', '6', '--lab', LAB, '--solutions', '--hints']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('{{');
    expect(r.stdout).toContain(`solution [host1] $ bridge fdb del ${mac} dev flannel.1`);
    // A hint that opens a panel in the app prints the command that shows the same, for this lab.
    expect(r.stdout).toContain(`$ podnet path ${LAB} host1/a host2/b`);
    expect(r.stdout).toContain(`$ podnet capture ${LAB} host1 eth0 --filter 'udp port 8472'`);
    expect(r.stdout).toContain('── On a real cluster');
    const e = await engine.exercise('flannel-vxlan', { lab: LAB });
    expect(e.resolvedFor).toBe(LAB);
  });

  it('on the fresh lab every step passes except the one that asks to break the tunnel', async () => {
    const r = await podnet(['exercise', 'check', 'flannel-vxlan', '--lab', LAB, '--json']);
    expect(r.code).toBe(1);
    const steps = JSON.parse(r.stdout) as StepCheck[];
    expect(steps.map((s) => [s.step, s.passed])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, false],
      [7, true],
    ]);
  });

  it('deleting the fdb entry by hand turns step 3 red (with what was found) and step 6 green; repairing it turns them back', async () => {
    const snap = await engine.inspect(LAB);
    const mac2 = snap.hosts[1]!.interfaces.find((i) => i.name === 'flannel.1')!.mac!;
    const u2 = snap.hosts[1]!.underlayIp!;
    await engine.exec(LAB, 'host1', ['bridge', 'fdb', 'del', mac2, 'dev', 'flannel.1', 'dst', u2, 'self']);
    const red = await podnet(['exercise', 'check', '6', '--lab', LAB, '--step', '3']);
    expect(red.code).toBe(1);
    expect(red.stdout).toContain(`✗ host1 has fdb entry ${mac2} dev flannel.1 dst ${u2}`);
    expect(red.stdout).toContain('found: flannel.1 has no fdb entries');
    expect((await podnet(['exercise', 'check', '6', '--lab', LAB, '--step', '6'])).code).toBe(0);

    await engine.exec(LAB, 'host1', ['bridge', 'fdb', 'replace', mac2, 'dev', 'flannel.1', 'dst', u2, 'self', 'permanent']);
    const green = await podnet(['exercise', 'check', '6', '--lab', LAB, '--step', '3']);
    expect(green.code, green.stdout).toBe(0);
  });

  it('bad input exits 2', async () => {
    expect((await podnet(['exercise', 'show', '99'])).code).toBe(2);
    expect((await podnet(['exercise', 'check', '6', '--lab', LAB, '--step', 'x'])).code).toBe(2);
    expect((await podnet(['exercise', 'check', '6', '--lab', LAB, '--step', '42'])).code).toBe(2);
    expect((await podnet(['exercise', 'check', '6', '--lab', 'ex-not-running'])).code).toBe(2);
    expect((await podnet(['exercise', 'play', '6', '--lab', 'Bad_Name'])).code).toBe(2);
  });
});
