// Electron app and window lifecycle only; everything else is the engine
// (src/engine) and the contract (src/app-api).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, ipcMain, Menu, session, type BrowserWindow } from 'electron';
import type { LabFile } from '../shared/ipc';
import { createClientApi } from '../app-api/client-api';
import { buildAppMenu } from './app-menu';
import { askAboutHostKey } from './ask-about-host-key';
import { askAboutRunningLabs } from './ask-about-running-labs';
import { chooseLabFile } from './choose-lab-file';
import { createEngine } from '../engine/index';
import { bindRendererApi, type RendererBinding } from './ipc/register-ipc';
import { restrictPermissions } from './permissions';
import { installQuitGuard } from './quit-guard';
import { saveWithDialog } from './save-file-dialog';
import { createMainWindow, isAppUrl, type WindowPaths } from './window';

const here = fileURLToPath(new URL('.', import.meta.url));
const resourcesDir = join(here, '../../resources');
const paths: WindowPaths = {
  preload: join(here, '../preload/index.cjs'),
  rendererFile: join(here, '../renderer/index.html'),
  ...(process.env.ELECTRON_RENDERER_URL ? { devServerUrl: process.env.ELECTRON_RENDERER_URL } : {}),
};

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let binding: RendererBinding | null = null;

  void app.whenReady().then(() => {
    // A machine reached over SSH for the first time is trusted only when the user accepts its fingerprint.
    const engine = createEngine({ resourcesDir, hostKeys: { acceptNew: false, confirm: (info) => askAboutHostKey(window, info) } });
    const appUrl = (url: string) => isAppUrl(url, paths);
    restrictPermissions(session.defaultSession, appUrl);
    const guard = installQuitGuard({
      app,
      engine,
      ask: (labs, building) => askAboutRunningLabs(window, labs, building),
      building: () => binding?.current().launching ?? 0,
      cancelBuilds: () => binding?.current().cancelLaunches(),
    });
    window = createMainWindow(paths);
    guard.attach(window);
    binding = bindRendererApi(
      ipcMain,
      window.webContents,
      (events) => createClientApi({ engine, resourcesDir, events, info: { transport: 'electron', version: app.getVersion() }, saveFile: saveWithDialog(() => window) }),
      appUrl,
    );
    Menu.setApplicationMenu(
      buildAppMenu((command) => {
        const emit = (file?: LabFile) => binding?.current().events.emit('menu:command', { command, ...(file ? { file } : {}) });
        // A page cannot open its file chooser from a menu (no user gesture there): the native dialog does it.
        if (command === 'open-lab-file') void chooseLabFile(window).then((file) => file && emit(file));
        else emit();
      }),
    );
    app.on('second-instance', () => {
      if (window?.isMinimized()) window.restore();
      window?.focus();
    });
    app.on('will-quit', () => {
      binding?.dispose();
      void engine.dispose();
    });
  });

  app.on('window-all-closed', () => app.quit());
}
