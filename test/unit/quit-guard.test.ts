// Quitting with labs running asks first. The guard's decisions, with the
// question answered by the test and the app and engine as small stand-ins.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { App, BrowserWindow } from 'electron';
import type { LabSummary } from '../../src/shared/lab';
import { installQuitGuard, type QuitChoice } from '../../src/main/quit-guard';

function stage(running: string[], answer: QuitChoice, building = 0) {
  const log: string[] = [];
  const app = Object.assign(new EventEmitter(), { quit: () => log.push('quit') });
  const engine = {
    list: async () => running.map((name) => ({ name }) as LabSummary),
    down: async (lab: string) => {
      log.push(`down ${lab}`);
      return [];
    },
  };
  const guard = installQuitGuard({
    app: app as unknown as App,
    engine,
    ask: async (labs, b) => {
      log.push(`ask ${labs.join(',')} building=${b}`);
      return answer;
    },
    building: () => building,
    cancelBuilds: () => log.push('cancel builds'),
  });
  const win = new EventEmitter();
  guard.attach(win as unknown as BrowserWindow);
  const attempt = async (emitter: EventEmitter, event: string) => {
    let prevented = false;
    emitter.emit(event, { preventDefault: () => (prevented = true) });
    await new Promise((r) => setTimeout(r, 10));
    return prevented;
  };
  return { log, app, win, attempt };
}

describe('quitting with labs running', () => {
  it('quits without asking when no lab runs', async () => {
    const s = stage([], 'cancel');
    expect(await s.attempt(s.app, 'before-quit')).toBe(true);
    expect(s.log).toEqual(['quit']);
    // The quit it started goes through.
    expect(await s.attempt(s.app, 'before-quit')).toBe(false);
  });

  it('"Stop Labs and Quit" cancels builds, stops every lab, then quits', async () => {
    const s = stage(['lab-a', 'lab-b'], 'stop', 1);
    expect(await s.attempt(s.win, 'close')).toBe(true);
    expect(s.log).toEqual(['ask lab-a,lab-b building=1', 'cancel builds', 'down lab-a', 'down lab-b', 'quit']);
    expect(await s.attempt(s.win, 'close')).toBe(false);
  });

  it('"Quit, Keep Them Running" quits and leaves the labs', async () => {
    const s = stage(['lab-a'], 'keep');
    await s.attempt(s.app, 'before-quit');
    expect(s.log).toEqual(['ask lab-a building=0', 'quit']);
  });

  it('"Cancel" keeps the app (and the window) open', async () => {
    const s = stage(['lab-a'], 'cancel');
    expect(await s.attempt(s.win, 'close')).toBe(true);
    expect(s.log).toEqual(['ask lab-a building=0']);
    // Asked again next time.
    expect(await s.attempt(s.app, 'before-quit')).toBe(true);
    expect(s.log).toEqual(['ask lab-a building=0', 'ask lab-a building=0']);
  });
});
