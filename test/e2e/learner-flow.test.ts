// The learner's hour, in Chromium at 1280×720 against `podnet serve` and real
// labs: the page shows the only running lab (and keeps the shown one over a
// reload); exercise 8's drawing has every host and pod label in view at
// ≥ 11 px; a terminal opened by Run ▸ and resized twice has the size xterm
// shows (`stty size`) and a 200-character command leaves its prompt intact;
// Ctrl+Shift+V pastes once; F6 leaves the terminal; a waiting tcpdump stays in
// view beside the next command's terminal; a hint opens the Path panel
// filled in; a captured VXLAN packet's detail pane shows VNI 1 and 148 = 98 +
// 50; Stop asks first, and a stopped lab's terminal says "lab stopped".
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index';
import { builtinLab, upLab } from '../helpers/lab-fixture';
import { ARTIFACTS, openAppSession, type AppSession } from './support/app-session';
import { describeInBrowser } from './support/prerequisites';
import { activeTerminal, terminalText, waitForCommandDone, waitForTerminal } from './support/terminal-text';

const LAB = 'ui-learn';
const OTHER = 'ui-learn2';
const OTHER_TEXT = `name: ${OTHER}\nhosts:\n  - name: host1\n    pods: [a]\nnetwork: { mode: pod-cidr, backend: none }\n`;

await describeInBrowser('the learner at 1280×720 (podnet serve, real labs, Chromium)', () => {
  let session: AppSession;
  let page: Page;
  let engine: Engine;

  const step = (n: number) => page.getByTestId(`step-${n}`);
  const terminal = (key: number) => page.getByTestId(`terminal-${key}`);

  async function typeIn(key: number, line: string): Promise<void> {
    await terminal(key).locator('.xterm').click();
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }

  beforeAll(async () => {
    session = await openAppSession(LAB);
    ({ page, engine } = session);
    await engine.down(OTHER);
    await upLab(engine, builtinLab('masquerade.yaml', LAB));
    await session.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.served.origin });
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  afterAll(async () => {
    await engine?.down(OTHER);
    await session?.close();
  });

  it('opening the page while exactly one lab runs shows it; a reload keeps the lab that was shown', async () => {
    const running = (await engine.list()).map((l) => l.name);
    await page.goto(session.served.url);
    if (running.length === 1) {
      expect(running).toEqual([LAB]);
    } else {
      // Labs this test did not start run on the same engine (someone else's
      // work): the page cannot guess which to show, so pick ours by hand;
      // what a reload keeps is still asserted below.
      console.warn(`other labs run on this engine (${running.join(', ')}): showing ${LAB} by hand`);
      await page.getByRole('button', { name: 'Open Labs' }).or(page.getByRole('tab', { name: 'Labs' })).first().click();
      await page.getByTestId(`running-${LAB}`).getByRole('button', { name: `Show ${LAB} in the topology` }).click();
    }
    await expect.poll(() => page.getByTestId('topology-revision').textContent(), { timeout: 30_000 }).toMatch(/^2 hosts · 2 pods/);
    expect(await page.locator('.topology .lab').textContent()).toBe(LAB);
    // A second lab runs, and the first is still the one shown after a reload.
    await upLab(engine, OTHER_TEXT);
    await page.reload();
    await expect.poll(() => page.getByTestId('topology-revision').textContent(), { timeout: 30_000 }).toMatch(/^2 hosts · 2 pods/);
    expect(await page.locator('.topology .lab').textContent()).toBe(LAB);
  });

  it('exercise 8 open at 1280×720: every host and pod label of the drawing is in view, at 11 px or more', async () => {
    await page.getByRole('tab', { name: 'Exercises' }).click();
    await page.getByRole('button', { name: /^Exercise 8:/ }).click();
    const lab = page.getByTestId('exercise-lab');
    await lab.fill(LAB);
    await lab.press('Enter');
    await page.getByTestId('exercise-view').getByRole('button', { name: `Show ${LAB} in the topology` }).waitFor();
    await page.waitForTimeout(500); // the drawing re-fits to its frame
    const labels = await page.getByTestId('topology-canvas').evaluate((el) => {
      const cy = (el as HTMLElement & { _cyreg: { cy: import('cytoscape').Core } })._cyreg.cy;
      const frame = el.getBoundingClientRect();
      return cy.nodes('.host, .pod, .internet').map((n) => {
        const box = n.renderedBoundingBox({ includeLabels: true, includeNodes: false, includeOverlays: false });
        return { id: n.id(), label: n.data('label') as string, px: parseFloat(n.style('font-size')) * cy.zoom(), inside: box.x1 >= 0 && box.y1 >= 0 && box.x2 <= frame.width && box.y2 <= frame.height };
      });
    });
    expect(labels.map((l) => l.id).sort()).toEqual(['host:host1', 'host:host2', 'internet', 'pod:host1:a', 'pod:host2:b']);
    for (const l of labels) expect(l, l.label).toMatchObject({ inside: true, px: expect.any(Number) });
    expect(Math.min(...labels.map((l) => l.px))).toBeGreaterThanOrEqual(11);
    // The header's buttons are all in view.
    for (const name of ['Legend', 'Zoom in', 'Zoom out', 'Fit']) {
      const b = await page.locator('.topology .bar').getByRole('button', { name, exact: true }).boundingBox();
      expect(b!.x + b!.width, name).toBeLessThanOrEqual(1280);
    }
    await page.screenshot({ path: `${ARTIFACTS}/learner-1280x720-exercise8.png` });
  });

  it('a terminal opened by Run ▸ and resized twice has the size xterm shows; a 200-character command leaves the prompt intact', async () => {
    await step(1).getByTestId('run-command').first().click();
    const key = await activeTerminal(page);
    await waitForTerminal(page, key, /root@host1:\/# ip route/);
    // Twice: the splitter up, and the window narrower.
    await page.getByRole('separator', { name: 'Resize the terminals' }).focus();
    await page.keyboard.press('Shift+ArrowUp');
    await page.setViewportSize({ width: 1180, height: 720 });
    await page.waitForTimeout(300);
    const before = await terminalText(page, key);
    await typeIn(key, 'stty size');
    const text = await waitForCommandDone(page, key, 'stty size', before);
    const [rows, cols] = /^(\d+) (\d+)$/m.exec(text)!.slice(1).map(Number);
    expect({ rows, cols }).toEqual({ rows: Number(await terminal(key).getAttribute('data-rows')), cols: Number(await terminal(key).getAttribute('data-cols')) });
    expect(await terminal(key).locator('.xterm-rows > div').count()).toBe(rows);
    const long = `echo ${'x'.repeat(195)}`;
    const beforeLong = await terminalText(page, key);
    await typeIn(key, long);
    const shown = await waitForCommandDone(page, key, long.slice(0, 30), beforeLong);
    const lines = shown.split('\n').map((l) => l.trimEnd());
    const at = lines.findLastIndex((l) => l.startsWith('root@host1:/# echo xxx'));
    expect(at, shown).toBeGreaterThanOrEqual(0);
    // The command wraps onto the next rows, whole, after an intact prompt; then its output.
    const wrapped = lines.slice(at, at + Math.ceil((14 + long.length) / cols!)).join('');
    expect(wrapped).toBe(`root@host1:/# ${long}`);
    expect(lines[at + Math.ceil((14 + long.length) / cols!)]).toBe('x'.repeat(195).slice(0, cols!));
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('Ctrl+Shift+V pastes once, and F6 leaves the terminal for its tab', async () => {
    const key = await activeTerminal(page);
    await page.evaluate(() => navigator.clipboard.writeText('echo A1'));
    await terminal(key).locator('.xterm').click();
    const before = await terminalText(page, key);
    // The browser's own paste (its default action for the key) would paste a second time: the app prevents it.
    await page.evaluate(() => {
      const w = window as Window & { pasteKeyPrevented?: boolean };
      window.addEventListener('keydown', (e) => {
        if (e.code === 'KeyV' && e.ctrlKey && e.shiftKey) w.pasteKeyPrevented = e.defaultPrevented;
      });
    });
    await page.keyboard.press('Control+Shift+V');
    expect(await page.evaluate(() => (window as Window & { pasteKeyPrevented?: boolean }).pasteKeyPrevented)).toBe(true);
    // The clipboard is read asynchronously: Enter once the text is on the line.
    await waitForTerminal(page, key, /root@host1:\/# echo A1\s*$/);
    await page.keyboard.press('Enter');
    const text = await waitForCommandDone(page, key, 'echo A1', before);
    expect(text).toContain('root@host1:/# echo A1\nA1');
    expect(text).not.toContain('echo A1echo A1');
    await page.keyboard.press('F6');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`terminal-tab-${key}`);
    expect(await terminal(key).locator('.tools').getAttribute('title')).toContain('F6');
  });

  it('a waiting tcpdump stays in view beside the terminal the ping runs in', async () => {
    const s = step(3);
    await s.scrollIntoViewIfNeeded();
    const blocks = s.getByTestId('command-block');
    await blocks.nth(0).getByTestId('run-command').click();
    const dump = await activeTerminal(page);
    await waitForTerminal(page, dump, /listening on eth0/);
    await blocks.nth(1).getByTestId('run-command').click();
    await expect.poll(() => activeTerminal(page)).not.toBe(dump);
    const ping = await activeTerminal(page);
    expect(await terminal(ping).getAttribute('data-place')).toBe('left');
    expect(await terminal(dump).getAttribute('data-place')).toBe('right');
    // Both are on screen, and the capture shows the pings it waited for.
    await waitForTerminal(page, dump, /4 packets captured/);
    for (const key of [ping, dump]) expect(await terminal(key).locator('.xterm-rows').isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/learner-waiting-tcpdump.png` });
  });

  it('a hint opens the Path panel filled in, on the exercise\u2019s lab', async () => {
    const s = step(4);
    await s.scrollIntoViewIfNeeded();
    await s.getByRole('button', { name: /Show a hint/ }).click();
    await s.getByRole('button', { name: /Another hint/ }).click();
    await s.getByTestId('hint-tool').click();
    expect(await page.getByRole('tab', { name: 'Path' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('path-from').inputValue()).toBe('host1/a');
    expect(await page.getByTestId('path-to').inputValue()).toBe('internet');
  });

  it('a captured VXLAN packet\u2019s detail pane shows each header, VNI 1, and 148 = 98 + 50', async () => {
    await page.getByRole('tab', { name: 'Capture' }).click();
    await page.getByTestId('capture-target').selectOption('host1');
    await page.getByTestId('capture-iface').selectOption('eth0');
    await page.getByTestId('capture-filter').fill('udp port 8472');
    await page.getByRole('button', { name: 'Start capture' }).click();
    await expect.poll(() => page.getByTestId('capture-current').getAttribute('data-status')).toBe('running');
    await expect.poll(async () => (await engine.ping(LAB, 'host1/a', 'host2/b', { count: 1 })).ok && page.getByTestId('packet').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const first: Locator = page.getByTestId('packet').first();
    await first.getByRole('button', { name: /show its headers/ }).click();
    const details = page.getByTestId('packet-details');
    const layers = await details.getByTestId('packet-layer').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.layer));
    expect(layers.slice(0, 5)).toEqual(['Ethernet II', 'Internet Protocol version 4', 'User Datagram Protocol', 'Virtual eXtensible Local Area Network', 'Ethernet II']);
    const vxlan = details.getByTestId('packet-layer').nth(3);
    expect(await vxlan.innerText()).toMatch(/VXLAN Network Identifier \(VNI\)\s+1/);
    expect(await details.getByTestId('tunnel-sizes').innerText()).toContain('148 = 98 + 50');
    await page.screenshot({ path: `${ARTIFACTS}/learner-packet-details.png` });
    await page.getByRole('button', { name: '■ Stop' }).click();
  });

  it('Stop asks first, says who started the lab, and a stopped lab\u2019s terminal says "lab stopped"', async () => {
    await page.getByRole('button', { name: 'Open Labs' }).or(page.getByRole('tab', { name: 'Labs' })).first().click();
    const card = page.getByTestId(`running-${OTHER}`);
    await card.getByRole('button', { name: `Show ${OTHER} in the topology` }).click();
    await expect.poll(() => page.locator('.topology .lab').textContent()).toBe(OTHER);
    expect(await card.getByTestId('lab-owner').innerText()).toBe('started by you');
    await page.getByRole('button', { name: '+ Terminal' }).click();
    const key = await activeTerminal(page);
    await waitForTerminal(page, key, /root@host1:\/#/);
    await card.getByRole('button', { name: `Stop ${OTHER}` }).click();
    const ask = card.getByTestId('stop-confirm');
    expect(await ask.innerText()).toContain(`Stop ${OTHER}? Every host is removed`);
    await ask.getByRole('button', { name: 'Keep it' }).click();
    expect((await engine.list()).map((l) => l.name)).toContain(OTHER);
    await card.getByRole('button', { name: `Stop ${OTHER}` }).click();
    await card.getByTestId('stop-confirm').getByRole('button', { name: `Stop ${OTHER}` }).click();
    await card.waitFor({ state: 'detached', timeout: 60_000 });
    expect((await engine.list()).map((l) => l.name)).not.toContain(OTHER);
    await waitForTerminal(page, key, /\[lab stopped\]/);
    expect(await terminalText(page, key)).not.toContain('exit code 137');
    expect(session.consoleErrors).toEqual([]);
  });
});
