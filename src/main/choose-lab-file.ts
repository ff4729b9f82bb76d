// "Open Lab File…" from the app menu: the native dialog, then the file's
// text for the page (which launches it and shows its diagnostics in place).
// Only a regular file of at most 1 MiB is read (never a FIFO or a device).
import { basename } from 'node:path';
import { dialog, type BrowserWindow } from 'electron';
import { readLabFileBytes } from '../engine/index';
import type { LabFile } from '../shared/ipc';

export async function chooseLabFile(win: BrowserWindow | null): Promise<LabFile | null> {
  const options = { title: 'Open Lab File', properties: ['openFile' as const], filters: [{ name: 'Lab files', extensions: ['yaml', 'yml'] }] };
  const { canceled, filePaths } = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  const path = filePaths[0];
  if (canceled || !path) return null;
  try {
    return { name: basename(path), text: (await readLabFileBytes(path)).toString('utf8') };
  } catch (e) {
    const { message, hint } = e as { message: string; hint?: string };
    dialog.showErrorBox('Open Lab File', hint ? `${message}\n\n${hint}` : message);
    return null;
  }
}
