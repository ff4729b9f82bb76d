// The exercise channels over a fake engine: arguments passed on as the
// engine wants them, a start reporting progress under the page's operation
// id and cancellable with labs:cancel, like a launch.
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../src/shared/ipc';
import { EventQueue } from '../../src/app-api/event-queue';
import { exerciseHandlers } from '../../src/app-api/exercise-handlers';
import { Launches } from '../../src/app-api/launches';
import { PodnetError } from '../../src/engine/errors';
import type { Engine, UpOptions } from '../../src/engine/index';

function setup() {
  const calls: { fn: string; args: unknown[] }[] = [];
  let release!: () => void;
  const engine = {
    listExercises: async () => [],
    exercise: async (...args: unknown[]) => (calls.push({ fn: 'exercise', args }), { id: 'flannel-vxlan' }),
    checkExercise: async (...args: unknown[]) => (calls.push({ fn: 'check', args }), []),
    async startExercise(id: string, opts: UpOptions & { lab?: string; reset?: boolean }) {
      calls.push({ fn: 'start', args: [id, { lab: opts.lab, reset: opts.reset }] });
      opts.onProgress?.({ phase: 'hosts', status: 'started', elapsedMs: 1 });
      opts.onLog?.('creating host1');
      await new Promise<void>((resolve, reject) => {
        release = resolve;
        opts.signal?.addEventListener('abort', () => reject(new PodnetError('E_CANCELLED', 'cancelled')));
      });
      return { name: opts.lab ?? 'flannel-vxlan', elapsedMs: 42 };
    },
  } as unknown as Engine;
  const got: { event: EventName; payload: unknown }[] = [];
  const queue = new EventQueue((event, payload) => got.push({ event, payload }));
  queue.ready();
  const launches = new Launches();
  return { handlers: exerciseHandlers(engine, queue, launches), launches, calls, got, release: () => release() };
}

describe('exercise channels', () => {
  it('fills an exercise in only for a named lab, and checks one step or all on the chosen lab', async () => {
    const { handlers, calls } = setup();
    await handlers['exercises:get']({ id: '6' });
    await handlers['exercises:get']({ id: '6', lab: 'ui-ex6' });
    await handlers['exercises:check']({ id: '6', lab: 'ui-ex6', step: 3 });
    await handlers['exercises:check']({ id: '6' });
    expect(calls).toEqual([
      { fn: 'exercise', args: ['6', {}] },
      { fn: 'exercise', args: ['6', { lab: 'ui-ex6' }] },
      { fn: 'check', args: ['6', { lab: 'ui-ex6', step: 3 }] },
      { fn: 'check', args: ['6', {}] },
    ]);
  });

  it('starts the lab with progress under the operation id, and answers with its name', async () => {
    const s = setup();
    const started = s.handlers['exercises:start']({ opId: 'op-1', id: '6', lab: 'ui-ex6', reset: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(s.launches.size).toBe(1);
    await expect(s.handlers['exercises:start']({ opId: 'op-1', id: '6' })).rejects.toThrow(/already running/);
    s.release();
    expect(await started).toEqual({ name: 'ui-ex6', elapsedMs: 42 });
    expect(s.calls[0]).toEqual({ fn: 'start', args: ['6', { lab: 'ui-ex6', reset: true }] });
    expect(s.got).toEqual([
      { event: 'up:progress', payload: { opId: 'op-1', progress: { phase: 'hosts', status: 'started', elapsedMs: 1 } } },
      { event: 'up:log', payload: { opId: 'op-1', line: 'creating host1' } },
    ]);
    expect(s.launches.size).toBe(0);
  });

  it('a start is cancelled like a launch (labs:cancel with its operation id)', async () => {
    const s = setup();
    const started = s.handlers['exercises:start']({ opId: 'op-2', id: '6' });
    await new Promise((r) => setTimeout(r, 0));
    s.launches.cancel('op-2');
    await expect(started).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(s.calls[0]!.args[1]).toEqual({ lab: undefined, reset: false });
  });
});
