// Engine benchmark (issue 2): up/down against bare containers, a 20-host
// mesh, inspect. Prints figures; never fails on a number.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { RESOURCES, ROOT, loadEngine, median, ms, now, row, s } from './_lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const { createEngine } = await loadEngine();
const docker = new Docker();
const engine = createEngine({ resourcesDir: RESOURCES });
const IMAGE = 'podnet/node:2';

async function bareContainers(n, tag) {
  const t0 = now();
  const cs = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const c = await docker.createContainer({ Image: IMAGE, name: `bench-bare-${tag}-${i}`, Cmd: ['sleep', 'infinity'], Labels: { 'podnet.bench': '1' } });
      await c.start();
      return c;
    }),
  );
  const up = now() - t0;
  const t1 = now();
  await Promise.all(cs.map((c) => c.remove({ force: true })));
  return { up, down: now() - t1 };
}

async function timeLab(text, name) {
  await engine.down(name);
  const t0 = now();
  await engine.up({ text, file: `${name}.yaml` });
  const up = now() - t0;
  const t1 = now();
  await engine.down(name);
  return { up, down: now() - t1 };
}

console.log(`Engine benchmark — ${RUNS} runs each, median; Docker ${(await docker.version()).Version}, ${(await import('node:os')).cpus().length} cores`);

// `podnet --help` start-up.
const help = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = now();
  spawnSync(process.execPath, [`${ROOT}bin/podnet.js`, '--help'], { stdio: 'ignore' });
  help.push(now() - t0);
}
row('podnet --help', ms(median(help)), '< 500 ms');

// (a) flannel-vxlan (2 hosts × 2 pods) vs bare containers, interleaved in the same run.
const vxlan = readFileSync(`${RESOURCES}/labs/flannel-vxlan.yaml`, 'utf8').replace(/^name: .*$/m, 'name: bench-vxlan');
await timeLab(vxlan, 'bench-vxlan'); // warm-up
await bareContainers(2, 'warm');
const lab = [];
const bare2 = [];
const bare3 = [];
for (let i = 0; i < RUNS; i++) {
  lab.push(await timeLab(vxlan, 'bench-vxlan'));
  bare2.push(await bareContainers(2, `a${i}`));
  bare3.push(await bareContainers(3, `b${i}`));
}
const labUp = median(lab.map((r) => r.up));
const labDown = median(lab.map((r) => r.down));
const b2 = median(bare2.map((r) => r.up));
const b3 = median(bare3.map((r) => r.up));
console.log('\n(a) flannel-vxlan, 2 hosts × 2 pods (3 containers: 2 hosts + the underlay switch)');
row('podnet up (ready, checked)', ms(labUp));
row('podnet down', ms(labDown));
row('2 bare containers create+start (parallel)', ms(b2));
row('3 bare containers create+start (parallel)', ms(b3));
row('ratio up / 2 bare containers (one per host)', (labUp / b2).toFixed(2), '≤ 1.5');
row('ratio up / 3 bare containers (as many as the lab uses)', (labUp / b3).toFixed(2));

// (b) 20 hosts × 5 pods, vxlan full mesh.
const big = 'name: bench-mesh\nhosts: 20\npods: 5\nnetwork:\n  mode: pod-cidr\n  cidr: 10.8.0.0/16\n  backend: vxlan\n';
await engine.down('bench-mesh');
const bigRuns = [];
let inspectCold = 0;
let inspectWarm = [];
let memory = 0;
for (let i = 0; i < Math.min(RUNS, 3); i++) {
  const t0 = now();
  await engine.up({ text: big, file: 'bench-mesh.yaml' });
  const up = now() - t0;
  if (i === 0) {
    // (c) inspect, once the lab has settled (containers just started still cost CPU):
    // a fresh engine (as `podnet inspect` does: new warm channels), then warm.
    await new Promise((r) => setTimeout(r, 5000));
    const fresh = createEngine({ resourcesDir: RESOURCES });
    const c0 = now();
    const snap = await fresh.inspect('bench-mesh');
    inspectCold = now() - c0;
    for (let k = 0; k < 11; k++) {
      const w0 = now();
      await fresh.inspect('bench-mesh');
      inspectWarm.push(now() - w0);
    }
    await fresh.dispose();
    if (snap.hosts.length !== 20 || snap.hosts.some((h) => h.pods.length !== 5)) throw new Error('the mesh did not come up whole');
    const hosts = await docker.listContainers({ filters: { label: ['podnet.lab=bench-mesh', 'podnet.role=host'] } });
    const stats = await Promise.all(hosts.map((c) => docker.getContainer(c.Id).stats({ stream: false })));
    memory = stats.reduce((n, st) => n + (st.memory_stats.usage - (st.memory_stats.stats?.inactive_file ?? st.memory_stats.stats?.total_inactive_file ?? 0)), 0) / stats.length;
  }
  const t1 = now();
  await engine.down('bench-mesh');
  bigRuns.push({ up, down: now() - t1 });
}
console.log('\n(b) 20 hosts × 5 pods, vxlan full mesh (19 peers per host)');
row('podnet up (ready, checked)', s(median(bigRuns.map((r) => r.up))), '≤ 8 s');
row('podnet down', s(median(bigRuns.map((r) => r.down))), '≤ 3 s');
row('memory per host container', `${(memory / 2 ** 20).toFixed(1)} MiB`);
console.log('\n(c) inspect of the 20-host lab');
row('inspect, new engine (opens 20 warm channels)', ms(inspectCold));
row('inspect, warm channels (median of 11)', ms(median(inspectWarm)), '≤ 300 ms');

await engine.dispose();
