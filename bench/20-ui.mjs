// UI benchmark (issue 3), in Debian's Chromium against `podnet serve` and
// real labs: (a) a change on a host → the updated topology in the page,
// (b) first render of a 20-host × 10-pod lab and frame time while panning,
// (c) 10 MB of terminal output through the terminal path, (d) an exercise
// step's Check button → its checks shown. Prints figures; never fails on a
// number.
import { ensureBuilt } from '../scripts/ensure-built.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { RESOURCES, ROOT, loadEngine, median, ms, now, row, s } from './_lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHROMIUM = process.env.PODNET_CHROMIUM ?? '/usr/bin/chromium';
const SMALL = 'bench-ui-vxlan';
const BIG = 'bench-ui-big';
const TEN_MB = 10_000_000;

if (!existsSync(CHROMIUM)) {
  console.log(`UI benchmark skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(0);
}
ensureBuilt('app');

const { createEngine } = await loadEngine();
const engine = createEngine({ resourcesDir: RESOURCES });
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

function serve() {
  const child = spawn(process.execPath, [`${ROOT}bin/podnet.js`, 'serve', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) resolve({ url: m[0], stop: () => child.kill('SIGINT') });
    });
    child.once('exit', (code) => reject(new Error(`podnet serve exited (${code})`)));
  });
}

/** Records the time between animation frames in the page (how smooth it stays). */
function startFrames(page) {
  return page.evaluate(() => {
    const w = window;
    w.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      w.__frames.push(t - last);
      last = t;
      if (w.__framesOn) requestAnimationFrame(tick);
    };
    w.__framesOn = true;
    requestAnimationFrame(tick);
  });
}

function stopFrames(page) {
  return page.evaluate(() => {
    window.__framesOn = false;
    return window.__frames.slice(1);
  });
}

async function showLab(page, lab) {
  await page.getByTestId(`running-${lab}`).waitFor({ timeout: 30_000 });
  await page.getByTestId(`running-${lab}`).getByRole('button', { name: `Show ${lab} in the topology` }).click();
}

const cpus = (await import('node:os')).cpus().length;
console.log(`UI benchmark — Chromium ${spawnSync(CHROMIUM, ['--version']).stdout.toString().trim()}, headless, software rendering; ${cpus} cores`);

const labText = (file, name) =>
  spawnSync('sed', ['-e', `s/^name: .*/name: ${name}/`, `${RESOURCES}/labs/${file}`]).stdout.toString();
await engine.down(SMALL);
await engine.down(BIG);
await engine.up({ text: labText('flannel-vxlan.yaml', SMALL), file: `${SMALL}.yaml` });

const server = await serve();
const profile = mkdtempSync(join(tmpdir(), 'podnet-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1600, height: 1000 },
});
const page = await context.newPage();

try {
  await page.goto(server.url);

  // (a) change on a host → topology updated in the page.
  await showLab(page, SMALL);
  const tunnel = page.getByTestId('outline-host-host1').getByTestId('outline-tunnel');
  await tunnel.getByText('carries 10.2.3.0/24').waitFor();
  const lat = [];
  for (let i = 0; i < RUNS; i++) {
    await page.evaluate(() => {
      const w = window;
      w.__seen = 0;
      const root = document.querySelector('[data-testid="outline"]');
      w.__obs?.disconnect();
      w.__obs = new MutationObserver(() => {
        if (!w.__seen && root.textContent.includes('no route')) w.__seen = Date.now();
      });
      w.__obs.observe(root, { subtree: true, childList: true, characterData: true });
    });
    const t0 = Date.now();
    await engine.exec(SMALL, 'host1', ['ip', 'route', 'del', '10.2.3.0/24']);
    await page.waitForFunction(() => window.__seen > 0, null, { timeout: 10_000 });
    lat.push((await page.evaluate(() => window.__seen)) - t0);
    await engine.exec(SMALL, 'host1', ['ip', 'route', 'replace', '10.2.3.0/24', 'via', '10.2.3.0', 'dev', 'flannel.1', 'onlink']);
    await tunnel.getByText('carries 10.2.3.0/24').waitFor();
  }
  console.log(`\n(a) change on a host → topology updated in the page (ip route del on host1; ${RUNS} runs)`);
  row('median', ms(median(lat)), '≤ 500 ms');
  row('max', ms(Math.max(...lat)));

  // (d) Check in the exercise panel → the step's checks shown (exercise 6 on the same lab).
  await page.getByRole('tab', { name: 'Exercises' }).click();
  await page.getByRole('button', { name: /^Exercise 6:/ }).click();
  await page.getByTestId('exercise-lab').fill(SMALL);
  await page.getByTestId('exercise-lab').press('Enter');
  await page.waitForFunction(() => document.querySelector('[aria-label="Check step 3"]')?.disabled === false, null, { timeout: 30_000 });
  const checkRoundTrip = (n) =>
    page.evaluate(async (step) => {
      const el = document.querySelector(`[data-testid="step-${step}"]`);
      let checking = false;
      const t0 = performance.now();
      const shown = new Promise((resolve) => {
        const o = new MutationObserver(() => {
          if (el.dataset.state === 'checking') checking = true;
          else if (checking) {
            o.disconnect();
            resolve();
          }
        });
        o.observe(el, { attributes: true, attributeFilter: ['data-state'] });
      });
      el.querySelector(`[aria-label="Check step ${step}"]`).click();
      await shown;
      return performance.now() - t0;
    }, n);
  const stateChecks = [];
  const captureChecks = [];
  for (let i = 0; i < RUNS; i++) stateChecks.push(await checkRoundTrip(3));
  for (let i = 0; i < RUNS; i++) captureChecks.push(await checkRoundTrip(4));
  console.log(`\n(d) exercise 6 in the page: Check → the step's checks shown (${RUNS} runs)`);
  row('step 3 (a neighbour, an fdb entry, a route), median / max', `${ms(median(stateChecks))} / ${ms(Math.max(...stateChecks))}`);
  row('step 4 (a capture while a ping runs), median / max', `${ms(median(captureChecks))} / ${ms(Math.max(...captureChecks))}`);
  await page.getByRole('tab', { name: 'Labs' }).click();

  // (c) 10 MB of terminal output through the terminal path.
  await page.getByRole('button', { name: 'Terminal on host2', exact: true }).click();
  const term = page.locator('[data-testid="terminal-1"]');
  await page.waitForFunction(() => /[#$]\s*$/.test(document.querySelector('[data-testid="terminal-1"] .xterm-rows')?.textContent ?? ''), null, { timeout: 20_000 });
  await term.locator('.xterm').click();
  // Frame gaps and input latency while the flood renders.
  await startFrames(page);
  await page.keyboard.type(`yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklm | head -c ${TEN_MB}; echo; echo END-$((6*7))`);
  const t0 = now();
  await page.keyboard.press('Enter');
  const probes = [];
  let done = false;
  while (!done) {
    const p0 = now();
    done = await page.evaluate(() => (document.querySelector('[data-testid="terminal-1"] .xterm-rows')?.textContent ?? '').includes('END-42'));
    probes.push(now() - p0);
    if (now() - t0 > 300_000) throw new Error('the flood did not finish in 5 minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
  const flood = now() - t0;
  const frames = await stopFrames(page);
  console.log('\n(c) 10 MB of terminal output (`yes … | head -c 10000000` on host2), through engine → WebSocket → xterm.js');
  row('time to render all of it', s(flood));
  row('throughput', `${(TEN_MB / 1e6 / (flood / 1000)).toFixed(1)} MB/s`);
  row('page responsiveness: script round trip, median / max', `${ms(median(probes))} / ${ms(Math.max(...probes))}`);
  row('frame interval during the flood, median / p95', `${ms(median(frames))} / ${ms(pct(frames, 0.95))}`);

  // The same path without a renderer: a WebSocket client that acks at once.
  {
    const u = new URL(server.url);
    const ws = new WebSocket(`ws://${u.host}/api?token=${u.searchParams.get('token')}`, { headers: { Origin: u.origin } });
    await new Promise((r) => ws.once('open', r));
    let id = 0;
    const pending = new Map();
    let got = '';
    let sid = null;
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.t === 'result') pending.get(m.id)?.(m.result);
      else if (m.t === 'event' && m.event === 'terminal:data' && m.payload.id === sid) {
        got += m.payload.data;
        ws.send(JSON.stringify({ t: 'invoke', id: ++id, channel: 'terminal:ack', request: { id: sid, chars: m.payload.data.length } }));
      }
    });
    const call = (channel, request) => new Promise((r) => (pending.set(++id, r), ws.send(JSON.stringify({ t: 'invoke', id, channel, request }))));
    await call('app:ready');
    sid = (await call('terminal:open', { lab: SMALL, target: 'host2', cols: 120, rows: 40 })).value.id;
    await new Promise((r) => setTimeout(r, 500));
    const w0 = now();
    await call('terminal:input', { id: sid, data: `yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklm | head -c ${TEN_MB}; echo END-$((6*7))\r` });
    while (!got.includes('END-42')) await new Promise((r) => setTimeout(r, 10));
    const wire = now() - w0;
    row('same 10 MB without a renderer (WebSocket client acking at once)', `${(TEN_MB / 1e6 / (wire / 1000)).toFixed(1)} MB/s`);
    ws.close();
  }

  // (b) first render of a 20-host × 10-pod lab, and panning.
  const big = `name: ${BIG}\nhosts: 20\npods: 10\nnetwork:\n  mode: pod-cidr\n  cidr: 10.9.0.0/16\n  backend: vxlan\n`;
  const u0 = now();
  await engine.up({ text: big, file: `${BIG}.yaml` });
  const upTime = now() - u0;
  await page.evaluate(() => performance.clearMeasures());
  const c0 = now();
  await showLab(page, BIG);
  await page.getByTestId('outline-host-host20').waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => performance.getEntriesByName('podnet:topology-sync').length > 0 && performance.getEntriesByName('podnet:topology-drawn').length > 0, null, {
    timeout: 60_000,
  });
  const shown = now() - c0;
  const [sync] = await page.evaluate(() => performance.getEntriesByName('podnet:topology-sync').map((e) => e.duration));
  const [drawn] = await page.evaluate(() => performance.getEntriesByName('podnet:topology-drawn').map((e) => e.duration));
  const counts = await page.evaluate(() => document.querySelector('[data-testid="topology-revision"]')?.textContent ?? '');
  const box = await page.getByTestId('topology-canvas').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await startFrames(page);
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; i < 120; i++) {
    await page.mouse.move(cx + 250 * Math.sin(i / 12), cy + 120 * Math.cos(i / 15));
    await new Promise((r) => setTimeout(r, 16));
  }
  await page.mouse.up();
  for (let i = 0; i < 20; i++) {
    await page.mouse.wheel(0, i < 10 ? -120 : 120);
    await new Promise((r) => setTimeout(r, 30));
  }
  const panFrames = await stopFrames(page);
  console.log(`\n(b) a 20-host × 10-pod vxlan lab (${counts.trim()}; lab up in ${s(upTime)})`);
  row('Show → diagram drawn (incl. the first observation of 20 hosts)', ms(shown));
  row('snapshot → Cytoscape elements (layout + sync)', ms(sync));
  row('snapshot → first frame drawn', ms(drawn));
  row('frame interval while panning and zooming, median', ms(median(panFrames)), '≤ 50 ms');
  row('frame interval while panning and zooming, p95 / max', `${ms(pct(panFrames, 0.95))} / ${ms(Math.max(...panFrames))}`);
  await page.screenshot({ path: `${ROOT}test-results/bench-20-hosts.png` }).catch(() => undefined);
} finally {
  await context.close().catch(() => undefined);
  rmSync(profile, { recursive: true, force: true });
  await engine.down(SMALL);
  await engine.down(BIG);
  server.stop();
  await engine.dispose();
}
