// The main window, locked down: isolated, sandboxed, no Node in the page,
// no navigation away from the app and no new windows.
import { join } from 'node:path';
import { BrowserWindow, shell } from 'electron';

export interface WindowPaths {
  preload: string;
  /** The built renderer (production), or the dev server's URL. */
  rendererFile: string;
  devServerUrl?: string;
}

export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 920,
    minWidth: 900,
    minHeight: 600,
    title: 'Podnet Lab',
    show: false,
    backgroundColor: '#1b1e24',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens in the app.
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  if (paths.devServerUrl) void win.loadURL(paths.devServerUrl);
  else void win.loadFile(paths.rendererFile);
  return win;
}

/** Is `url` the app's own page (and not something it was navigated to)? */
export function isAppUrl(url: string, paths: WindowPaths): boolean {
  try {
    const u = new URL(url);
    if (paths.devServerUrl) return u.origin === new URL(paths.devServerUrl).origin;
    return u.protocol === 'file:' && decodeURIComponent(u.pathname).endsWith(join('renderer', 'index.html').replaceAll('\\', '/'));
  } catch {
    return false;
  }
}
