// The application menu. App-specific items are sent to the page as
// `menu:command` events; the rest are Electron's standard roles.
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/ipc';

export function buildAppMenu(send: (command: MenuCommand) => void, isMac = process.platform === 'darwin'): Menu {
  const item = (label: string, accelerator: string, command: MenuCommand): MenuItemConstructorOptions => ({ label, accelerator, click: () => send(command) });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        item('Open Lab File…', 'CmdOrCtrl+O', 'open-lab-file'),
        { type: 'separator' },
        item('New Terminal', 'CmdOrCtrl+Shift+T', 'new-terminal'),
        item('Ping…', 'CmdOrCtrl+Shift+P', 'ping'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        item('Fit Topology', 'CmdOrCtrl+Shift+F', 'fit-topology'),
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
