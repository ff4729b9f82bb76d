// "Save .pcap" in the desktop app: the native save dialog, then the bytes
// written where the user chose.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import type { SaveBytes } from '../app-api/capture-registry';

export function saveWithDialog(win: () => BrowserWindow | null): SaveBytes {
  return async (suggestedName, bytes) => {
    const options = {
      title: 'Save capture',
      defaultPath: join(app.getPath('downloads'), suggestedName),
      filters: [
        { name: 'Packet capture (pcap)', extensions: ['pcap'] },
        { name: 'All files', extensions: ['*'] },
      ],
    };
    const w = win();
    const { canceled, filePath } = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
    if (canceled || !filePath) return null;
    await writeFile(filePath, bytes);
    return filePath;
  };
}
