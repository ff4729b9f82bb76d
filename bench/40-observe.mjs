// Observation benchmark (issues 10, 12): `podnet inspect` and `podnet path`
// of a 50-host lab, as whole commands (Node start-up included), with what
// they are made of measured beside them in the same run: the ping's path
// (captured and traced) and a TCP connection's (traced: SYN, and the reset
// of a port nobody listens on). Prints figures; never fails on a number.
import { spawnSync } from 'node:child_process';
import { RESOURCES, ROOT, loadEngine, median, ms, now, row, s } from './_lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HOSTS = 50;
const LAB = 'bench-observe';
const TEXT = `name: ${LAB}\nhosts: ${HOSTS}\npods: 4\nnetwork:\n  mode: pod-cidr\n  cidr: 10.9.0.0/16\n  backend: vxlan\n`;
// The farthest pods: the first host's first pod and the last host's last pod.
const FROM = 'host1/pod1';
const TO = `host${HOSTS}/pod4`;

const { createEngine } = await loadEngine();
const engine = createEngine({ resourcesDir: RESOURCES });

// The TCP probe goes to a port no pod listens on: the SYN arrives and a reset answers (exit 1: not accepted).
const TCP_PORT = 81;

function command(args, okCodes = [0]) {
  const t0 = now();
  const r = spawnSync(process.execPath, [`${ROOT}bin/podnet.js`, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const elapsed = now() - t0;
  if (!okCodes.includes(r.status)) throw new Error(`podnet ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { elapsed, stdout: r.stdout };
}

async function timed(fn) {
  const t0 = now();
  const value = await fn();
  return { elapsed: now() - t0, value };
}

console.log(`Observation benchmark — ${RUNS} runs each, median; a ${HOSTS}-host × 4-pod vxlan lab`);
await engine.down(LAB);
const up = await timed(() => engine.up({ text: TEXT, file: `${LAB}.yaml` }));
try {
  // Containers just started still cost CPU: let the lab settle.
  await new Promise((r) => setTimeout(r, 5000));

  const node = [];
  const version = [];
  const inspectCmd = [];
  const inspectJson = [];
  const inspectCold = [];
  const inspectWarm = [];
  const pathCmd = [];
  const pathCold = [];
  const tcpCmd = [];
  const tcpCold = [];
  let observed = '';
  let traced = '';
  for (let i = 0; i < RUNS; i++) {
    node.push(timedSync(() => spawnSync(process.execPath, ['-e', '0'])));
    version.push(command(['--version']).elapsed);
    inspectCmd.push(command(['inspect', LAB]).elapsed);
    const json = command(['inspect', LAB, '--json']);
    inspectJson.push(json.elapsed);
    if (JSON.parse(json.stdout).hosts.length !== HOSTS) throw new Error('inspect did not read every host');
    // In the engine: a new one (new warm channels, as one command opens them), then warm.
    const fresh = createEngine({ resourcesDir: RESOURCES });
    inspectCold.push((await timed(() => fresh.inspect(LAB))).elapsed);
    inspectWarm.push((await timed(() => fresh.inspect(LAB))).elapsed);
    const p = await timed(() => fresh.packetPath(LAB, FROM, TO));
    if (!p.value.ok || !p.value.request.reached) throw new Error(`the path ${FROM} → ${TO} did not arrive`);
    pathCold.push(p.elapsed);
    observed = p.value.observed.join(', ');
    const t = await timed(() => fresh.packetPath(LAB, FROM, `${TO}:${TCP_PORT}`));
    if (!t.value.request.reached || !t.value.reply.reached) throw new Error(`the SYN ${FROM} → ${TO}:${TCP_PORT} or its reset did not arrive`);
    tcpCold.push(t.elapsed);
    traced = t.value.trace.traced.join(', ');
    await fresh.dispose();
    const cmd = command(['path', LAB, FROM, TO, '--json']);
    pathCmd.push(cmd.elapsed);
    const tcp = command(['path', LAB, FROM, `${TO}:${TCP_PORT}`, '--json'], [1]);
    if (!JSON.parse(tcp.stdout).trace.cleanup.verified) throw new Error('a trace mark was left behind');
    tcpCmd.push(tcp.elapsed);
  }

  console.log(`\n(a) the ${HOSTS}-host lab (${HOSTS * 4} pods, ${HOSTS - 1} vxlan peers per host)`);
  row('up (ready, checked)', s(up.elapsed));
  console.log(`\n(b) podnet inspect ${LAB}`);
  row('node -e 0 (Node start-up)', ms(median(node)));
  row('podnet --version (start-up and the CLI module)', ms(median(version)));
  row(`podnet inspect, whole command (${HOSTS} hosts)`, ms(median(inspectCmd)), '≤ 1 s');
  row('podnet inspect --json, whole command', ms(median(inspectJson)));
  row('engine.inspect from a new engine (opens the channels)', ms(median(inspectCold)));
  row('engine.inspect again (warm channels)', ms(median(inspectWarm)));
  console.log(`\n(c) podnet path ${LAB} ${FROM} ${TO}`);
  row('podnet path (a ping: captured and traced), whole command', s(median(pathCmd)), '≤ 2 s');
  row('engine.packetPath from a new engine', s(median(pathCold)));
  console.log(`  captured on: ${observed}`);
  console.log(`\n(d) podnet path ${LAB} ${FROM} ${TO}:${TCP_PORT} (TCP: the SYN and the reset, traced)`);
  row('podnet path --tcp, whole command', s(median(tcpCmd)), '≤ 2 s');
  row('engine.packetPath (tcp) from a new engine', s(median(tcpCold)));
  console.log(`  traced in: ${traced}`);
} finally {
  await engine.down(LAB);
  await engine.dispose();
}

function timedSync(fn) {
  const t0 = now();
  fn();
  return now() - t0;
}
