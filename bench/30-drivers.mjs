// Drivers benchmark (`npm run bench`):
//  1. the local driver's up+down of a 2-host lab next to Mininet's
//     `mn --switch lxbr --controller none --topo linear,2 --test none`, in the
//     same run, alternating, median of BENCH_REPS (default 5). Compared two
//     ways: the work itself (the engine in this process vs Mininet's own
//     "completed in") — the goal is a ratio ≤ 1.0 — and whole commands
//     (two `podnet` processes vs one `mn`, interpreter start-up included).
//     Mininet's bridges live in the root namespace, where Docker's FORWARD
//     DROP would filter them: net.bridge.bridge-nf-call-iptables is 0 for each
//     mn run only, and put back right after.
//  2. the SSH driver's `up` of a 2-host lab on two sshd "VMs" (containers) —
//     goal ≤ 1.5 s.
// Benchmarks measure; they never fail on a number.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTs } from './_load-ts.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PODNET = join(ROOT, 'bin/podnet.js');
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 5));
const BRIDGE_NF = '/proc/sys/net/bridge/bridge-nf-call-iptables';
const SETTLE_MS = 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
const hasCommand = (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;

function timed(cmd, args, opts = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { ms, out: `${r.stdout}${r.stderr}` };
}

/** One Mininet run with bridge netfilter off for its duration only. */
function mininetOnce() {
  const saved = existsSync(BRIDGE_NF) ? readFileSync(BRIDGE_NF, 'utf8').trim() : null;
  try {
    if (saved !== null) writeFileSync(BRIDGE_NF, '0');
    const { ms, out } = timed('mn', ['--switch', 'lxbr', '--controller', 'none', '--topo', 'linear,2', '--test', 'none'], { cwd: tmpdir() });
    const own = /completed in ([\d.]+) seconds/.exec(out);
    return { wall: ms, work: own ? Number(own[1]) * 1000 : ms };
  } finally {
    if (saved !== null) writeFileSync(BRIDGE_NF, saved);
  }
}

async function localVsMininet() {
  console.log('\n## local driver vs Mininet (2 hosts)');
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return console.log('skipped: needs Linux and root');
  const { createEngine } = await loadTs('src/main/engine/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'drv-bench-'));
  const lab = 'drv-bench-local';
  const file = join(dir, 'lab.yaml');
  writeFileSync(file, `name: ${lab}\ndriver: local\nhosts: 2\npods: 1\nnetwork: { backend: vxlan }\n`);
  const engine = createEngine({ resourcesDir: join(ROOT, 'resources'), stateDir: join(dir, 'state') });
  const mn = hasCommand('mn') && hasCommand('brctl');
  const rows = { work: [], cli: [], mnWork: [], mnWall: [] };
  try {
    for (let i = 0; i < REPS; i++) {
      const t0 = performance.now();
      await engine.up({ path: file });
      await engine.down(lab);
      rows.work.push(performance.now() - t0);
      await sleep(SETTLE_MS);
      const up = timed(PODNET, ['up', file]);
      const down = timed(PODNET, ['down', lab]);
      rows.cli.push(up.ms + down.ms);
      await sleep(SETTLE_MS);
      if (mn) {
        const m = mininetOnce();
        rows.mnWork.push(m.work);
        rows.mnWall.push(m.wall);
        await sleep(SETTLE_MS);
      }
    }
  } finally {
    await engine.down(lab).catch(() => undefined);
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`podnet local up+down, engine:        ${fmt(median(rows.work))}  (median of ${REPS})`);
  console.log(`podnet local up+down, two commands:  ${fmt(median(rows.cli))}`);
  if (!mn) return console.log('Mininet: not installed (apt-get install mininet bridge-utils); no ratio');
  console.log(`mn linear,2 lxbr, "completed in":    ${fmt(median(rows.mnWork))}`);
  console.log(`mn linear,2 lxbr, whole command:     ${fmt(median(rows.mnWall))}`);
  console.log(`ratio podnet/mininet (work):         ${(median(rows.work) / median(rows.mnWork)).toFixed(2)}  (goal ≤ 1.0)`);
  console.log(`ratio podnet/mininet (commands):     ${(median(rows.cli) / median(rows.mnWall)).toFixed(2)}`);
}

async function sshUp() {
  console.log('\n## SSH driver up (2 hosts on sshd containers)');
  const { dockerProblem } = await loadTs('test/helpers/prerequisites.ts');
  const problem = await dockerProblem();
  if (problem) return console.log(`skipped: ${problem}`);
  const { startVms } = await loadTs('test/helpers/ssh-vms.ts');
  const fleet = await startVms('drv-bench', 2);
  const lab = 'drv-bench-ssh';
  const file = join(fleet.dir, 'lab.yaml');
  const hosts = fleet.vms.map((vm) => `  - name: ${vm.name}\n    ssh: { address: ${vm.ip}, user: root, identityFile: ${fleet.keyFile} }\n    pods: 1`).join('\n');
  writeFileSync(file, `name: ${lab}\ndriver: ssh\nhosts:\n${hosts}\nnetwork: { backend: vxlan }\n`);
  const env = { ...process.env, PODNET_STATE_DIR: join(fleet.dir, 'state') };
  const ups = [];
  const engineTimes = [];
  try {
    for (let i = 0; i < REPS; i++) {
      const up = timed(PODNET, ['up', file, '--accept-new-host-keys'], { env });
      ups.push(up.ms);
      engineTimes.push(Number(/is up in ([\d.]+) s/.exec(up.out)?.[1] ?? NaN) * 1000);
      timed(PODNET, ['down', lab], { env });
    }
  } finally {
    spawnSync(PODNET, ['down', lab], { env });
    await fleet.stop();
  }
  console.log(`podnet up over SSH, whole command:   ${fmt(median(ups))}  (median of ${REPS}; goal ≤ 1.5 s)`);
  console.log(`podnet up over SSH, as it reports:   ${fmt(median(engineTimes))}  (reaching, checking and building both machines)`);
}

await localVsMininet();
await sshUp();
