import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { podnet } from '../helpers/cli';
import { labObjects } from '../helpers/docker-objects';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab } from '../helpers/lab-fixture';

const dir = mkdtempSync(join(tmpdir(), 'podnet-cli-'));
function labFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

await describeWithDocker('podnet CLI', () => {
  const good = labFile('good.yaml', builtinLab('flannel-vxlan.yaml', 'it-cli'));
  beforeAll(async () => {
    await podnet(['down', 'it-cli']);
    const up = await podnet(['up', good]);
    expect(up.code, up.stderr).toBe(0);
  });
  afterAll(async () => {
    await podnet(['down', 'it-cli']);
  });

  it('bad input: exit 2, file:line:column with a hint, nothing created', async () => {
    const bad = labFile('bad.yaml', builtinLab('flannel-vxlan.yaml', 'it-cli-bad').replace('network:', 'netwrok:'));
    const r = await podnet(['up', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:15:1: error: unknown key "netwrok" (field netwrok)`);
    expect(r.stderr).toContain('hint: did you mean "network"?');
    expect(r.stderr).toMatch(/nothing was created/);
    expect(await labObjects('it-cli-bad')).toEqual([]);
  });

  it('a lab of the same name already running: exit 1 and what to do', async () => {
    const r = await podnet(['up', good]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a lab named "it-cli" is already running\n  hint: stop it first: podnet down it-cli/);
  });

  it('an underlay that overlaps a running lab\'s: exit 2 at underlay.subnet', async () => {
    const underlay = JSON.parse((await podnet(['ls', '--json'])).stdout).find((l: { name: string }) => l.name === 'it-cli').underlay as string;
    const clash = labFile('clash.yaml', `name: it-cli-clash\nunderlay:\n  subnet: ${underlay}\nhosts: 1\n`);
    const r = await podnet(['up', clash]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${clash}:3:11: error: ${underlay} overlaps ${underlay}`);
    expect(await labObjects('it-cli-clash')).toEqual([]);
  });

  it('--dry-run prints every host\'s commands and creates nothing', async () => {
    const file = labFile('dry.yaml', builtinLab('flannel-host-gw.yaml', 'it-cli-dry'));
    const r = await podnet(['up', '--dry-run', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/## host1 \(underlay 198\.18\.\d+\.11\)/);
    expect(r.stdout).toMatch(/ip route replace 10\.2\.3\.0\/24 via 198\.18\.\d+\.12 dev eth0/);
    expect(await labObjects('it-cli-dry')).toEqual([]);
  });

  it('exec passes the exit code through; ping exits 0 only with replies', async () => {
    expect((await podnet(['exec', 'it-cli', 'host1/a', '--', 'sh', '-c', 'exit 7'])).code).toBe(7);
    const ok = await podnet(['ping', 'it-cli', 'host1/a', 'host2/b', '-c', '1']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/1 packets transmitted, 1 received/);
    const fail = await podnet(['ping', 'it-cli', 'host1/a', '10.9.9.9', '-c', '1']);
    expect(fail.code).toBe(1);
  });

  it('unknown targets and labs are input errors (exit 2)', async () => {
    const r = await podnet(['exec', 'it-cli', 'host9', '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lab it-cli has no host "host9"\n  hint: hosts: host1, host2/);
    expect((await podnet(['inspect', 'no-such-lab'])).code).toBe(2);
  });

  it('inspect --json: {name, hosts:[…]} read from the hosts', async () => {
    const r = await podnet(['inspect', 'it-cli', '--json']);
    const snap = JSON.parse(r.stdout);
    expect(snap.name).toBe('it-cli');
    expect(snap.hosts.map((h: { name: string }) => h.name)).toEqual(['host1', 'host2']);
    expect(snap.hosts[0].pods.map((p: { name: string; ip: string }) => `${p.name}=${p.ip}`)).toEqual(['a=10.2.1.2', 'b=10.2.1.3']);
    expect(snap.hosts[0].iptables.nat).toContain('-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG');
  });

  it('Docker not reachable: a clear message and how to start it', async () => {
    const r = await podnet(['ls'], { DOCKER_HOST: `unix://${dir}/no-docker.sock` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Docker is not reachable/);
    expect(r.stderr).toMatch(/hint: start the Docker daemon/);
  });
});
