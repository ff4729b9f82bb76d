// Scale benchmark (issue 10): big labs against bare containers, side by side
// in the same run — 100 hosts × 5 pods (vxlan) against 101 bare containers
// created and started in parallel; the documented maximum (200 hosts) up and
// down; the whole `podnet up` command of flannel-vxlan against `docker run`
// of its 3 containers in parallel; memory per host container. Prints
// figures; never fails on a number. BENCH_SCALE_RUNS (default 3) runs each.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { RESOURCES, ROOT, loadEngine, median, ms, now, row, s } from './_lib.mjs';

const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 3);
const IMAGE = 'podnet/node:2';
const { createEngine } = await loadEngine();
const docker = new Docker();
const engine = createEngine({ resourcesDir: RESOURCES });

const meshText = (name, hosts, pods, cidr) => `name: ${name}\nhosts: ${hosts}\npods: ${pods}\nnetwork:\n  mode: pod-cidr\n  cidr: ${cidr}\n  backend: vxlan\n`;

/** n bare containers from the node image, created and started in parallel (as Docker does it for `docker run -d`). */
async function bareContainers(n, tag) {
  const t0 = now();
  const cs = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const c = await docker.createContainer({ Image: IMAGE, name: `bench-scale-${tag}-${i}`, Cmd: ['sleep', 'infinity'], Labels: { 'podnet.bench': '1' }, HostConfig: { NetworkMode: 'none' } });
      await c.start();
      return c;
    }),
  );
  const up = now() - t0;
  await Promise.all(cs.map((c) => c.remove({ force: true })));
  return up;
}

async function timedLab(text, name) {
  await engine.down(name);
  const t0 = now();
  await engine.up({ text, file: `${name}.yaml` });
  const up = now() - t0;
  const t1 = now();
  await engine.down(name);
  return { up, down: now() - t1 };
}

/** Runs a command to its end; its wall time. */
function timedCommand(cmd, args) {
  const t0 = now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return now() - t0;
}

/** `docker run -d` of n containers at once (the CLI, as a user would start them). */
async function dockerRun(n, tag) {
  const t0 = now();
  await Promise.all(
    Array.from({ length: n }, (_, i) => new Promise((resolve, reject) => {
      const p = spawn('docker', ['run', '-d', '--network', 'none', '--name', `bench-run-${tag}-${i}`, '--label', 'podnet.bench=1', IMAGE, 'sleep', 'infinity'], { stdio: 'ignore' });
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker run exited ${code}`))));
    })),
  );
  const elapsed = now() - t0;
  spawnSync('docker', ['rm', '-f', ...Array.from({ length: n }, (_, i) => `bench-run-${tag}-${i}`)], { stdio: 'ignore' });
  return elapsed;
}

console.log(`Scale benchmark — ${RUNS} runs each, median; Docker ${(await docker.version()).Version}, ${(await import('node:os')).cpus().length} cores`);

// (a) 100 hosts × 5 pods against 101 bare containers (the hosts and the underlay switch), alternately.
const hundred = meshText('bench-scale100', 100, 5, '10.7.0.0/16');
await bareContainers(4, 'warm');
const labRuns = [];
const bareRuns = [];
let memory = 0;
for (let i = 0; i < RUNS; i++) {
  bareRuns.push(await bareContainers(101, `a${i}`));
  await engine.down('bench-scale100');
  const t0 = now();
  await engine.up({ text: hundred, file: 'bench-scale100.yaml' });
  const up = now() - t0;
  if (i === 0) {
    const hosts = await docker.listContainers({ filters: { label: ['podnet.lab=bench-scale100', 'podnet.role=host'] } });
    const stats = await Promise.all(hosts.map((c) => docker.getContainer(c.Id).stats({ stream: false })));
    memory = stats.reduce((n, st) => n + (st.memory_stats.usage - (st.memory_stats.stats?.inactive_file ?? st.memory_stats.stats?.total_inactive_file ?? 0)), 0) / stats.length;
  }
  const t1 = now();
  await engine.down('bench-scale100');
  labRuns.push({ up, down: now() - t1 });
}
const labUp = median(labRuns.map((r) => r.up));
const bareUp = median(bareRuns);
console.log('\n(a) 100 hosts × 5 pods, vxlan full mesh (99 peers per host), against bare containers');
row('101 bare containers, create+start in parallel', s(bareUp));
row('podnet up (ready, checked), in the engine', s(labUp));
row('ratio up / 101 bare containers', (labUp / bareUp).toFixed(2), '≤ 1.5');
row('podnet down', s(median(labRuns.map((r) => r.down))));
row('memory per host container (without page cache)', `${(memory / 2 ** 20).toFixed(1)} MiB`, '≤ 5 MiB');

// (b) The documented maximum: 200 hosts (2 pods each), once.
const max = await timedLab(meshText('bench-scale200', 200, 2, '10.6.0.0/16'), 'bench-scale200');
console.log('\n(b) the documented maximum: 200 hosts × 2 pods, vxlan full mesh');
row('podnet up (ready, checked)', s(max.up));
row('podnet down', s(max.down));

// (c) The whole `podnet up` command of flannel-vxlan (Node start-up included) against `docker run` of its 3 containers.
const dir = mkdtempSync(join(tmpdir(), 'podnet-bench-'));
const file = join(dir, 'bench-cmd.yaml');
writeFileSync(file, readFileSync(`${RESOURCES}/labs/flannel-vxlan.yaml`, 'utf8').replace(/^name: .*$/m, 'name: bench-cmd'));
const podnet = (...args) => timedCommand(process.execPath, [`${ROOT}bin/podnet.js`, ...args]);
await engine.down('bench-cmd');
podnet('up', file); // warm-up
podnet('down', 'bench-cmd');
await dockerRun(3, 'warm');
const cmdUps = [];
const runs3 = [];
for (let i = 0; i < Math.max(RUNS, 5); i++) {
  cmdUps.push(podnet('up', file));
  podnet('down', 'bench-cmd');
  runs3.push(await dockerRun(3, `r${i}`));
}
rmSync(dir, { recursive: true, force: true });
console.log('\n(c) flannel-vxlan as whole commands');
row('docker run -d of 3 containers in parallel', ms(median(runs3)));
row('podnet up flannel-vxlan.yaml, the whole command', ms(median(cmdUps)));
row('ratio podnet up / docker run ×3', (median(cmdUps) / median(runs3)).toFixed(2), '≤ 1.5');

await engine.dispose();
