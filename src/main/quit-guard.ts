// Leaving the app with labs running asks whether to stop them: they are
// real containers and would otherwise keep running after the window is gone.
import { dialog, type App, type BrowserWindow } from 'electron';
import type { Engine } from './engine/index';

export type QuitChoice = 'stop' | 'keep' | 'cancel';

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

export interface QuitGuardDeps {
  app: App;
  engine: Engine;
  window(): BrowserWindow | null;
  /** Labs being built by the window right now. */
  building(): number;
  /** Cancels those builds (they remove what they created). */
  cancelBuilds(): void;
}

export interface QuitGuard {
  /** Closing this window quits through the guard (and it stays open on Cancel). */
  attach(win: BrowserWindow): void;
}

export function installQuitGuard(deps: QuitGuardDeps): QuitGuard {
  let allowed = false;
  let deciding = false;
  const decide = async () => {
    if (deciding) return;
    deciding = true;
    try {
      const labs = (await deps.engine.list().catch(() => [])).map((l) => l.name);
      const building = deps.building();
      const choice = labs.length || building ? await askAboutRunningLabs(deps.window(), labs, building) : 'keep';
      if (choice === 'cancel') return;
      if (choice === 'stop') {
        deps.cancelBuilds();
        for (const lab of labs) await deps.engine.down(lab).catch(() => undefined);
      }
      allowed = true;
      deps.app.quit();
    } finally {
      deciding = false;
    }
  };
  deps.app.on('before-quit', (e) => {
    if (allowed) return;
    e.preventDefault();
    void decide();
  });
  return {
    attach(win) {
      win.on('close', (e) => {
        if (allowed) return;
        e.preventDefault();
        void decide();
      });
    },
  };
}
