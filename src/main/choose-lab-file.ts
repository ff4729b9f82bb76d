// "Open Lab File…" from the app menu: the native dialog, then the file's
// text for the page (which launches it and shows its diagnostics in place).
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { dialog, type BrowserWindow } from 'electron';
import type { LabFile } from '../shared/ipc';

const MAX_BYTES = 1024 * 1024;

export async function chooseLabFile(win: BrowserWindow | null): Promise<LabFile | null> {
  const options = { title: 'Open Lab File', properties: ['openFile' as const], filters: [{ name: 'Lab files', extensions: ['yaml', 'yml'] }] };
  const { canceled, filePaths } = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  const path = filePaths[0];
  if (canceled || !path) return null;
  if ((await stat(path)).size > MAX_BYTES) {
    dialog.showErrorBox('Open Lab File', `${basename(path)} is larger than 1 MiB; a lab file is a few lines of YAML.`);
    return null;
  }
  return { name: basename(path), text: await readFile(path, 'utf8') };
}
