// Drivers benchmark (`npm run bench`):
//  1. the local driver's up+down of a 2-host lab next to Mininet's
//     `mn --switch lxbr --controller none --topo linear,2 --test none`, in the
//     same run, alternating, median of BENCH_RUNS (default 5). Compared two
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
import { RESOURCES, ROOT, loadEngine, median, now, row } from './_lib.mjs';
import { loadTs } from './_load-ts.mjs';

const PODNET = join(ROOT, 'bin/podnet.js');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const BRIDGE_NF = '/proc/sys/net/bridge/bridge-nf-call-iptables';
const SETTLE_MS = 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
const hasCommand = (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;

function timed(cmd, args, opts = {}) {
  const t0 = now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const ms = now() - t0;
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
  console.log('Local driver vs Mininet — a 2-host lab (one pod each, VXLAN) and mn linear,2 with Linux bridges');
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return console.log('  skipped: needs Linux and root');
  const { createEngine } = await loadEngine();
  const dir = mkdtempSync(join(tmpdir(), 'drv-bench-'));
  const lab = 'drv-bench-local';
  const file = join(dir, 'lab.yaml');
  writeFileSync(file, `name: ${lab}\ndriver: local\nhosts: 2\npods: 1\nnetwork: { backend: vxlan }\n`);
  const engine = createEngine({ resourcesDir: RESOURCES, stateDir: join(dir, 'state') });
  const mn = hasCommand('mn') && hasCommand('brctl');
  const rows = { work: [], cli: [], mnWork: [], mnWall: [] };
  try {
    for (let i = 0; i < RUNS; i++) {
      const t0 = now();
      await engine.up({ path: file });
      await engine.down(lab);
      rows.work.push(now() - t0);
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
  row(`podnet local up+down, in the engine (median of ${RUNS})`, fmt(median(rows.work)));
  row('podnet local up+down, two `podnet` commands', fmt(median(rows.cli)));
  if (!mn) return row('Mininet', 'not installed (apt-get install mininet bridge-utils): no ratio');
  row('mn linear,2 lxbr, its own "completed in"', fmt(median(rows.mnWork)));
  row('mn linear,2 lxbr, the whole command', fmt(median(rows.mnWall)));
  row('ratio podnet/Mininet, the work', (median(rows.work) / median(rows.mnWork)).toFixed(2), '≤ 1.0');
  row('ratio podnet/Mininet, whole commands (start-up included)', (median(rows.cli) / median(rows.mnWall)).toFixed(2));
}

async function sshUp() {
  console.log('\nSSH driver — `podnet up` of a 2-host lab on two sshd "VMs" (containers)');
  const { dockerProblem } = await loadTs('test/helpers/prerequisites.ts');
  const problem = await dockerProblem();
  if (problem) return console.log(`  skipped: ${problem}`);
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
    for (let i = 0; i < RUNS; i++) {
      const up = timed(PODNET, ['up', file, '--accept-new-host-keys'], { env });
      ups.push(up.ms);
      engineTimes.push(Number(/is up in ([\d.]+) s/.exec(up.out)?.[1] ?? NaN) * 1000);
      timed(PODNET, ['down', lab], { env });
    }
  } finally {
    spawnSync(PODNET, ['down', lab], { env });
    await fleet.stop();
  }
  row(`podnet up over SSH, the whole command (median of ${RUNS})`, fmt(median(ups)), '≤ 1.5 s');
  row('podnet up over SSH, as it reports (reach, check, build)', fmt(median(engineTimes)));
}

await localVsMininet();
await sshUp();
