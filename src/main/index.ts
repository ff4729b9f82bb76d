// Electron app and window lifecycle only; everything else is the engine.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { createEngine } from './engine/index';
import { createHandlers, registerIpc } from './ipc/register-ipc';

const here = fileURLToPath(new URL('.', import.meta.url));
const resourcesDir = join(here, '../../resources');

if (!app.requestSingleInstanceLock()) app.quit();

let window: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Podnet Lab',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

void app.whenReady().then(() => {
  const engine = createEngine({ resourcesDir });
  registerIpc(ipcMain, createHandlers(engine, resourcesDir), (e) => e.sender === window?.webContents);
  window = createWindow();
  app.on('second-instance', () => window?.focus());
  app.on('will-quit', () => void engine.dispose());
});

app.on('window-all-closed', () => app.quit());
