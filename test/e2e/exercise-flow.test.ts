// Issue 4 in the app, end to end: `podnet serve`, Debian's Chromium, a real
// Docker daemon. Exercise 6 (flannel VXLAN) is started from the exercise
// panel under its own lab name and completed with nothing but the Run in
// terminal and Check buttons — every step's checks turn passed. On the way
// the packet's path is traced where the tunnel is broken and once repaired
// (screenshots in test-results/e2e), a TCP path names a DROP rule by its text, a capture started from the UI lists
// VXLAN packets and Save downloads a real .pcap, and Reset lab rebuilds the
// lab while the progress stays.
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePcap, PCAP_MAGIC_NANOS } from '../../src/engine/capture/pcap';
import type { Engine } from '../../src/engine/index';
import { ARTIFACTS, openAppSession, type AppSession } from './support/app-session';
import { describeInBrowser } from './support/prerequisites';
import { activeTerminal, terminalText, waitForCommandDone, waitForTerminal } from './support/terminal-text';

const LAB = 'ui-ex6';

const containerIds = async () => (await new Docker().listContainers({ all: true, filters: { label: [`podnet.lab=${LAB}`] } })).map((c) => c.Id).sort();

await describeInBrowser('exercise 6, capture and the packet path in Chromium (podnet serve, real Docker)', () => {
  let session: AppSession;
  let page: Page;
  let engine: Engine;

  const step = (n: number) => page.getByTestId(`step-${n}`);

  /** Clicks every Run button of a step in order, waiting for each command as a learner would. */
  async function runStep(n: number): Promise<void> {
    const s = step(n);
    const reveal = s.getByRole('button', { name: 'Show the solution' });
    if (await reveal.count()) await reveal.click();
    const waiting: { key: number; command: string }[] = [];
    const blocks = await s.getByTestId('command-block').all();
    for (const block of blocks) {
      const waits = (await block.getAttribute('data-waits')) === 'true';
      for (const button of await block.getByTestId('run-command').all()) {
        const command = (await button.getAttribute('aria-label'))!.replace(/^Run in terminal on [^:]+: /, '');
        const before = await allTerminalTexts();
        await button.click();
        const key = await waitForRunTerminal(waits, before);
        if (waits) {
          // tcpdump listens in its own terminal; the next commands make the traffic it waits for.
          await waitForTerminal(page, key, /listening on/);
          waiting.push({ key, command });
        } else {
          await waitForCommandDone(page, key, command, before.get(key) ?? '');
        }
      }
    }
    for (const w of waiting) await waitForCommandDone(page, w.key, w.command, '');
  }

  /** What every terminal shows right now, by its key. */
  async function allTerminalTexts(): Promise<Map<number, string>> {
    const ids = await page.locator('[role="tab"][id^="terminal-tab-"]').evaluateAll((els) => els.map((e) => e.id));
    const out = new Map<number, string>();
    for (const id of ids) {
      const key = Number(id.slice('terminal-tab-'.length));
      out.set(key, await terminalText(page, key));
    }
    return out;
  }

  /** The terminal Run in terminal typed into (it shows it); a waiting command's is a new one. */
  async function waitForRunTerminal(own: boolean, before: Map<number, string>): Promise<number> {
    for (let i = 0; i < 100; i++) {
      if ((await page.locator('[role="tab"][id^="terminal-tab-"]').count()) > 0) {
        const key = await activeTerminal(page);
        if (!own || !before.has(key)) return key;
      }
      await page.waitForTimeout(50);
    }
    throw new Error('Run in terminal showed no terminal');
  }

  async function checkStep(n: number): Promise<Locator> {
    const s = step(n);
    await s.getByRole('button', { name: `Check step ${n}` }).click();
    await expect.poll(() => s.getAttribute('data-state'), { timeout: 60_000 }).toMatch(/^(passed|failed)$/);
    return s;
  }

  /** The splitter above the terminals, by keyboard: 4 × 80 px taller or shorter. */
  async function resizeTerminals(key: 'Shift+ArrowUp' | 'Shift+ArrowDown'): Promise<void> {
    await page.getByRole('separator', { name: 'Resize the terminals' }).focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press(key);
    await page.waitForTimeout(200);
  }

  async function tracePath(): Promise<void> {
    await page.getByRole('tab', { name: 'Path' }).click();
    await page.getByTestId('path-from').selectOption('host1/a');
    await page.getByTestId('path-to').selectOption('host2/b');
    const before = await page.getByTestId('path-note').count();
    if (before) await page.getByRole('button', { name: 'Clear the packet path' }).click();
    await page.getByRole('button', { name: 'Trace a ping' }).click();
    await page.getByTestId('path-result').waitFor({ timeout: 60_000 });
    await page.getByTestId('path-note').waitFor();
    await page.waitForTimeout(400); // one frame of the diagram with the path
  }

  beforeAll(async () => {
    session = await openAppSession(LAB);
    ({ page, engine } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('opens exercise 6 and starts its lab under another name, with the launch steps', async () => {
    expect((await page.goto(session.served.url))?.status()).toBe(200);
    await page.getByRole('tab', { name: 'Exercises' }).click();
    await page.getByRole('button', { name: /^Exercise 6: flannel VXLAN/ }).click();
    const view = page.getByTestId('exercise-view');
    const name = view.getByTestId('exercise-lab');
    await name.fill(LAB);
    await name.press('Enter');
    await view.getByRole('button', { name: 'Start lab' }).click();
    await view.getByTestId('launch-progress').locator('[data-phase="hosts"]').waitFor();
    await view.getByRole('button', { name: 'Reset lab' }).waitFor({ timeout: 120_000 });
    expect((await engine.list()).map((l) => l.name)).toContain(LAB);
    // Filled in from the running lab: host2's VTEP MAC in the step 6 solution.
    const mac = (await engine.exec(LAB, 'host2', ['cat', '/sys/class/net/flannel.1/address'])).stdout.trim();
    await step(6).getByRole('button', { name: 'Show the solution' }).click();
    await expect.poll(() => step(6).getByTestId('command-block').first().innerText()).toContain(`bridge fdb del ${mac}`);
    await expect.poll(() => page.getByTestId('topology-revision').innerText()).toMatch(/2 hosts · 4 pods/);
    // Taller terminals while commands run: whole outputs stay in view.
    await resizeTerminals('Shift+ArrowUp');
  });

  it('steps 1 to 6 with only Run in terminal and Check: every check turns passed', async () => {
    for (let n = 1; n <= 6; n++) {
      await runStep(n);
      const s = await checkStep(n);
      const states = await s.getByTestId('check').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.state));
      expect({ step: n, state: await s.getAttribute('data-state'), checks: states }).toEqual({ step: n, state: 'passed', checks: states.map(() => 'passed') });
    }
    // The fdb entry is really gone (the check looked at the lab, and so do we).
    const fdb = await engine.exec(LAB, 'host1', ['bridge', 'fdb', 'show', 'dev', 'flannel.1']);
    expect(fdb.stdout).not.toContain('dst');
    await resizeTerminals('Shift+ArrowDown');
  });

  it('the packet path stops at host1\u2019s flannel.1 and says why', async () => {
    await step(6).scrollIntoViewIfNeeded();
    await tracePath();
    expect(await page.getByTestId('path-outcome').innerText()).toContain('stopped — last seen at host1 flannel.1 (out)');
    expect(await page.getByTestId('path-stop').innerText()).toMatch(/no fdb entry/);
    expect(await page.getByTestId('path-note').innerText()).toMatch(/last seen at host1 flannel\.1/);
    await page.screenshot({ path: `${ARTIFACTS}/packet-path-broken.png` });
  });

  it('step 7 repairs the tunnel: its checks turn passed, and the path arrives through the tunnel', async () => {
    await page.getByRole('tab', { name: 'Exercises' }).click();
    await runStep(7);
    const s = await checkStep(7);
    expect(await s.getAttribute('data-state')).toBe('passed');
    expect(await page.getByTestId('exercise-done').innerText()).toContain('7 of 7 steps passed');
    await step(6).scrollIntoViewIfNeeded();
    await page.locator('.labs-col').screenshot({ path: `${ARTIFACTS}/exercise-panel.png` });
    await tracePath();
    expect(await page.getByTestId('path-outcome').innerText()).toBe('arrived at host2/b');
    const hops = await page.getByTestId('path-hops').innerText();
    expect(hops).toMatch(/host1\s+flannel\.1[\s\S]*encapsulate into VXLAN[\s\S]*host2\s+flannel\.1[\s\S]*decapsulate from VXLAN/);
    await page.getByRole('tab', { name: 'Exercises' }).click();
    await step(4).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/packet-path.png` });
  });

  it('a DROP inserted in host2\u2019s FORWARD chain: the Path panel traces TCP to host2/b:80 and names the rule by its text, on the hop and on the diagram', async () => {
    await engine.exec(LAB, 'host2', ['iptables', '-I', 'FORWARD', '-d', '10.2.3.10', '-j', 'DROP']);
    try {
      await page.getByRole('tab', { name: 'Path' }).click();
      await page.getByTestId('path-from').selectOption('host1/a');
      await page.getByTestId('path-to').selectOption('host2/b');
      if (await page.getByTestId('path-note').count()) await page.getByRole('button', { name: 'Clear the packet path' }).click();
      await page.getByTestId('path-protocol').selectOption('tcp');
      await page.getByTestId('path-port').fill('80');
      await page.getByRole('button', { name: 'Trace TCP' }).click();
      await page.getByTestId('path-result').waitFor({ timeout: 60_000 });
      const rule = 'dropped by filter FORWARD rule 1: -A FORWARD -d 10.2.3.10/32 -j DROP';
      expect(await page.getByTestId('path-stop').innerText()).toContain(`host2: ${rule}`);
      expect(await page.locator('[data-testid="path-hop-why"][data-node="host2"]').innerText()).toContain(rule);
      expect(await page.getByTestId('path-note-why').innerText()).toContain(rule);
      await page.waitForTimeout(400); // one frame of the diagram with the path
      await page.screenshot({ path: `${ARTIFACTS}/packet-path-drop.png` });
    } finally {
      await engine.exec(LAB, 'host2', ['iptables', '-D', 'FORWARD', '-d', '10.2.3.10', '-j', 'DROP']);
    }
  });

  it('captures on host1 eth0 from the UI: VXLAN packets with the ping inside, Stop, Save downloads a .pcap', async () => {
    await page.getByRole('tab', { name: 'Capture' }).click();
    await page.getByTestId('capture-target').selectOption('host1');
    await page.getByTestId('capture-iface').selectOption('eth0');
    await page.getByTestId('capture-filter').fill('udp port 8472');
    await page.getByRole('button', { name: 'Start capture' }).click();
    const current = page.getByTestId('capture-current');
    await expect.poll(() => current.getAttribute('data-status')).toBe('running');
    // Traffic from the exercise's own button.
    const ping = step(4).locator('[data-target="host1/a"]').getByTestId('run-command');
    const before = await allTerminalTexts();
    await ping.click();
    const key = await waitForRunTerminal(false, before);
    await waitForCommandDone(page, key, 'ping -c 2 10.2.3.10', before.get(key) ?? '');
    await expect.poll(() => current.getByTestId('packet').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    const first = current.getByTestId('packet').first();
    expect(await first.getAttribute('data-protocol')).toBe('VXLAN');
    expect(await first.getByTestId('packet-inner').innerText()).toMatch(/VNI 1 · 10\.2\.1\.2 → 10\.2\.3\.10 ICMP echo request/);
    await current.getByRole('button', { name: '■ Stop' }).click();
    await expect.poll(() => current.getAttribute('data-status')).toBe('ended');
    await page.screenshot({ path: `${ARTIFACTS}/capture.png` });
    const [download] = await Promise.all([page.waitForEvent('download'), current.getByRole('button', { name: 'Save .pcap' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${LAB}-host1-eth0-\\d{8}-\\d{6}\\.pcap$`));
    const file = `${ARTIFACTS}/capture.pcap`;
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect(bytes.readUInt32LE(0)).toBe(PCAP_MAGIC_NANOS);
    const { records } = parsePcap(bytes);
    expect(records.length).toBe(Number(await current.getByTestId('packet').count()));
    expect(records.length).toBeGreaterThanOrEqual(4);
  });

  it('Reset lab rebuilds it (new containers) and the progress stays, also after a reload', async () => {
    await page.getByRole('tab', { name: 'Exercises' }).click();
    const before = await containerIds();
    const view = page.getByTestId('exercise-view');
    await view.getByRole('button', { name: 'Reset lab' }).click();
    await view.getByTestId('launch-progress').waitFor();
    await expect.poll(() => view.getByRole('button', { name: 'Reset lab' }).isEnabled(), { timeout: 120_000 }).toBe(true);
    const after = await containerIds();
    expect(after).toHaveLength(before.length);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    expect(await page.getByTestId('exercise-done').innerText()).toContain('7 of 7 steps passed');
    await page.reload();
    await page.getByRole('tab', { name: 'Exercises' }).click();
    await expect.poll(() => page.getByTestId('exercise-6').innerText()).toContain('7/7');
  });

  it('ran without a script error or a Content-Security-Policy violation in the page', () => {
    expect(session.consoleErrors).toEqual([]);
  });
});
