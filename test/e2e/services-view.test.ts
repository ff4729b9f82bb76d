// Kubernetes Services in the app, in Debian's Chromium at 1280×720, light and
// dark: the renderer as it is (test/e2e/fixture-app) on a snapshot whose
// hosts carry kube-proxy's real rules and the Services the engine parses back
// from them (test/fixtures/services-snapshot.json) — until the lab wiring
// fills HostState.services from live labs. Every Service, node-port and
// endpoint label is in view at 11 px or more; a Service is selected from the
// outline with the keyboard and the inspector shows its chains on the chosen
// node; the Legend's switch hides and shows them; no console errors.
// Screenshots in test-results/e2e/services-*.png. No lab is built.
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTIFACTS } from './support/app-session';
import { launchChromium, type Browser } from './support/chromium';
import { startFixtureApp, type FixtureApp } from './support/fixture-app';
import { describeInBrowser } from './support/prerequisites';
import { mkdirSync } from 'node:fs';

interface Label {
  id: string;
  px: number;
  inside: boolean;
}

/** The drawn size and place of the Services' labels (and the hosts' and pods' beside them). */
function labels(page: Page): Promise<{ nodes: Label[]; edges: Label[] }> {
  return page.getByTestId('topology-canvas').evaluate((el) => {
    const cy = (el as HTMLElement & { _cyreg: { cy: import('cytoscape').Core } })._cyreg.cy;
    const frame = el.getBoundingClientRect();
    const inFrame = (b: { x1: number; y1: number; x2: number; y2: number }) => b.x1 >= 0 && b.y1 >= 0 && b.x2 <= frame.width && b.y2 <= frame.height;
    const px = (e: import('cytoscape').SingularElementArgument) => parseFloat(e.style('font-size')) * cy.zoom();
    return {
      nodes: cy.nodes('.host, .pod, .service, .nodeport').map((n) => ({ id: n.id(), px: px(n), inside: inFrame(n.renderedBoundingBox({ includeLabels: true, includeNodes: false, includeOverlays: false })) })),
      edges: cy.edges('.endpoint').map((e) => ({ id: e.id(), px: px(e), inside: inFrame(e.renderedBoundingBox({ includeLabels: true, includeOverlays: false })) })),
    };
  });
}

const drawn = (page: Page, selector: string) =>
  page.getByTestId('topology-canvas').evaluate((el, s) => (el as HTMLElement & { _cyreg: { cy: import('cytoscape').Core } })._cyreg.cy.$(s).map((n) => n.id()), selector);

for (const scheme of ['light', 'dark'] as const) {
  await describeInBrowser(`Services in the app at 1280×720 (${scheme}, fixture snapshot)`, () => {
    let app: FixtureApp;
    let browser: Browser;
    let page: Page;
    const errors: string[] = [];

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      app = await startFixtureApp();
      browser = await launchChromium({ width: 1280, height: 720, colorScheme: scheme });
      page = await browser.context.newPage();
      page.on('console', (m: ConsoleMessage) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.url}?fixture=services`);
      await page.getByTestId('topology-revision').filter({ hasText: /^3 hosts · 8 pods · 5 services/ }).waitFor({ timeout: 60_000 });
    });

    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });

    it('draws every Service, its endpoints and node ports in view, every label at 11 px or more', async () => {
      await page.waitForTimeout(500); // the drawing fits its frame
      const { nodes, edges } = await labels(page);
      expect(nodes.filter((n) => n.id.startsWith('svc:')).map((n) => n.id)).toEqual(['svc:default/api', 'svc:default/kubernetes', 'svc:default/web', 'svc:default/web-local', 'svc:kube-system/kube-dns']);
      expect(nodes.filter((n) => n.id.startsWith('np:'))).toHaveLength(6);
      expect(edges).toHaveLength(7);
      for (const l of [...nodes, ...edges]) expect(l, l.id).toMatchObject({ inside: true });
      expect(Math.min(...[...nodes, ...edges].map((l) => l.px))).toBeGreaterThanOrEqual(11);
      expect(await drawn(page, 'node.nodeport.drop')).toEqual(['np:node2:30081/tcp', 'np:node3:30081/tcp']);
      await page.screenshot({ path: `${ARTIFACTS}/services-topology-${scheme}.png` });
    });

    it('selects a Service from the outline with the keyboard; the inspector walks its chains on the chosen node', async () => {
      await page.getByTestId('rail-inspector').click();
      const web = page.getByTestId('outline-service').filter({ hasText: 'service web 10.96.100.10:80' }).getByRole('button');
      await web.focus();
      await page.keyboard.press('Enter');
      const details = page.getByTestId('details');
      await expect.poll(() => details.textContent()).toContain('KUBE-SVC-CDGGSHYLG3RE2FKL');
      expect(await drawn(page, ':selected')).toEqual(['svc:default/web']);
      await page.getByTestId('details-host').selectOption('node2');
      await expect.poll(() => details.textContent()).toContain("http 80/tcp: a new connection's way on node2");
      expect(await details.textContent()).toContain('statistic random --probability 0.33333333349');
      expect(await details.textContent()).toContain('-A KUBE-SEP-4EX2N4PG4ASNZOBF -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.2.2:8080');
      await page.screenshot({ path: `${ARTIFACTS}/services-inspector-${scheme}.png` });
    });

    it('captures a node port’s traffic from its badge’s menu: on that node, with the filter that sees both sides of the DNAT', async () => {
      const at = await page.getByTestId('topology-canvas').evaluate((el) => {
        const cy = (el as HTMLElement & { _cyreg: { cy: import('cytoscape').Core } })._cyreg.cy;
        const p = cy.$id('np:node3:30080/tcp').renderedPosition();
        const frame = el.getBoundingClientRect();
        return { x: frame.x + p.x, y: frame.y + p.y };
      });
      await page.mouse.click(at.x, at.y, { button: 'right' });
      await page.getByRole('menuitem', { name: 'Capture its traffic on node3…' }).click();
      await expect.poll(() => page.getByTestId('capture-filter').inputValue()).toMatch(/^\(host 198\.18\.0\.13 and tcp port 30080\) or \(host 10\.244\.1\.2 and tcp port 8080\)/);
      expect(await page.getByTestId('capture-target').inputValue()).toBe('node3');
      expect(await page.getByTestId('capture-iface').inputValue()).toBe('any');
      await page.screenshot({ path: `${ARTIFACTS}/services-capture-${scheme}.png` });
      await page.getByTestId('rail-inspector').or(page.getByRole('tab', { name: 'Inspector' })).first().click();
    });

    it('hides and shows the Services with the Legend’s switch', async () => {
      await page.locator('.topology .bar').getByRole('button', { name: 'Legend', exact: true }).click();
      const toggle = page.getByTestId('legend-services');
      await toggle.uncheck();
      await expect.poll(() => drawn(page, 'node.service, node.nodeport, edge.endpoint')).toEqual([]);
      expect(await page.getByTestId('outline-services').count()).toBe(0);
      await toggle.check();
      await expect.poll(async () => (await drawn(page, 'node.service')).length).toBe(5);
      await page.screenshot({ path: `${ARTIFACTS}/services-legend-${scheme}.png` });
    });

    it('logged no errors in the console', () => {
      expect(errors).toEqual([]);
    });
  });
}
