// Leaving the app with labs running asks whether to stop them: they are
// real containers and would otherwise keep running after the window is gone.
import type { App, BrowserWindow } from 'electron';
import type { Engine } from '../engine/index';

export type QuitChoice = 'stop' | 'keep' | 'cancel';

export interface QuitGuardDeps {
  app: Pick<App, 'on' | 'quit'>;
  engine: Pick<Engine, 'list' | 'down'>;
  /** Asks the user (the native dialog: ask-about-running-labs.ts). */
  ask(labs: string[], building: number): Promise<QuitChoice>;
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
      const choice = labs.length || building ? await deps.ask(labs, building) : 'keep';
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
