// The question asked when quitting with labs running (a native dialog).
import { dialog, type BrowserWindow } from 'electron';
import type { QuitChoice } from './quit-guard';

export async function askAboutRunningLabs(win: BrowserWindow | null, labs: string[], building: number): Promise<QuitChoice> {
  const what = [labs.length ? `${labs.length} lab${labs.length > 1 ? 's are' : ' is'} running: ${labs.join(', ')}.` : '', building ? `${building} lab${building > 1 ? 's are' : ' is'} being built.` : '']
    .filter(Boolean)
    .join(' ');
  const options = {
    type: 'question' as const,
    title: 'Quit Podnet Lab',
    message: 'Stop the running labs before quitting?',
    detail: `${what} Running labs keep using memory until you stop them (later: \`podnet down <lab>\`).`,
    buttons: ['Stop Labs and Quit', 'Quit, Keep Them Running', 'Cancel'],
    defaultId: 0,
    cancelId: 2,
  };
  const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
  return (['stop', 'keep', 'cancel'] as const)[response] ?? 'cancel';
}
