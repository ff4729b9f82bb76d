// Browser mode's token in a real Chromium: the page takes it out of its
// address at once (nothing in the address bar, the history or a cookie),
// keeps it for its own tab, and a reload of that tab reconnects with it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openAppSession, type AppSession } from './support/app-session';
import { describeInBrowser } from './support/prerequisites';

await describeInBrowser('the token of podnet serve in Chromium', () => {
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    session = await openAppSession('ui-e2e-token');
    ({ page } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  const connected = () => expect.poll(() => page.getByTestId('builtin-flannel-vxlan').count(), { timeout: 30_000 }).toBe(1);

  it('leaves no token in the address bar, the history entry or a cookie once the page is open', async () => {
    expect((await page.goto(session.served.url))?.status()).toBe(200);
    await connected();
    expect(page.url()).toBe(`${session.served.origin}/`);
    expect(await page.evaluate(() => location.href)).not.toContain('token');
    expect(await session.browser.context.cookies()).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(session.served.token);
  });

  it('reconnects after a reload of the tab, with the token it kept', async () => {
    await page.reload();
    await connected();
    expect(page.url()).toBe(`${session.served.origin}/`);
    expect(await page.getByRole('alert').filter({ hasText: 'podnet serve' }).count()).toBe(0);
  });

  it('says what to do where the tab has no token (a new tab on the bare address)', async () => {
    const other = await session.browser.context.newPage();
    try {
      expect((await other.goto(`${session.served.origin}/`))?.status()).toBe(200);
      await expect.poll(() => other.getByRole('alert').innerText(), { timeout: 30_000 }).toContain('open the address `podnet serve` printed');
    } finally {
      await other.close();
    }
  });
});
