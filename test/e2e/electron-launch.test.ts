// The desktop app itself (Playwright's Electron driver): the window opens,
// the preload exposes exactly the contract, a built-in lab is listed.
// Runs wherever an Electron binary exists; skipped with the reason where
// none does (installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on CI).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function whyNot(): string | null {
  if (!electronBinary()) return 'no Electron binary in node_modules/electron (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); run `npm install` without it to run this test';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display to open a window on (run under xvfb-run)';
  return null;
}

describe('the desktop app (Electron)', () => {
  it('opens its window with the preload API and lists the built-in labs', async (ctx) => {
    const reason = whyNot();
    if (reason) {
      console.warn(`[skipped] Electron launch test: ${reason}`);
      ctx.skip(reason);
    }
    const app = await _electron.launch({ executablePath: electronBinary()!, args: [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])], cwd: ROOT });
    try {
      const win = await app.firstWindow();
      expect(await win.title()).toBe('Podnet Lab');
      expect(await win.evaluate(() => Object.keys((window as unknown as { podnet: object }).podnet).sort())).toEqual(['invoke', 'on']);
      expect(await win.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      await win.getByTestId('builtin-flannel-vxlan').waitFor({ timeout: 30_000 });
      expect(await win.getByTestId('builtin-flannel-vxlan').innerText()).toContain('Flannel VXLAN');
      // No Node in the page, isolated from the preload.
      expect(await win.evaluate(() => typeof (globalThis as unknown as { process?: unknown }).process)).toBe('undefined');
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences?(): Record<string, unknown> };
        return wc.getLastWebPreferences?.() ?? null;
      });
      if (prefs) expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      // window.open is denied.
      expect(await win.evaluate(() => window.open('https://example.invalid/') === null)).toBe(true);
    } finally {
      // app.exit: past the "stop running labs?" question (labs of other suites may be running).
      await app.evaluate(({ app: a }) => a.exit(0)).catch(() => undefined);
      await app.close().catch(() => undefined);
    }
  });
});
