// One e2e suite's session: a lab name of its own (removed before and after),
// `podnet serve`, Chromium with one page that records script errors and
// CSP violations, and an engine to look at the real lab.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Engine } from '../../../src/engine/index';
import { ROOT } from '../../helpers/cli';
import { newEngine } from '../../helpers/lab-fixture';
import { launchChromium, type Browser } from './chromium';
import { startServe, type Served } from './serve';

export const ARTIFACTS = `${ROOT}test-results/e2e`;

export interface AppSession {
  served: Served;
  browser: Browser;
  page: Page;
  engine: Engine;
  /** Console errors and uncaught exceptions of the page. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function openAppSession(lab: string): Promise<AppSession> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const engine = newEngine();
  await engine.down(lab); // a crashed earlier run of this very suite
  const served = await startServe();
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  return {
    served,
    browser,
    page,
    engine,
    consoleErrors,
    async close() {
      await browser.close();
      await served.stop();
      await engine.down(lab);
      await engine.dispose();
    },
  };
}
