// The exercise channels: the list, one exercise (filled in for a running
// lab), starting its lab with the same progress as a launch, and its checks
// evaluated against the lab's real state.
import type { Engine } from '../engine/index';
import type { Handlers } from './dispatch';
import type { EventQueue } from './event-queue';
import { launchProgress, type Launches } from './launches';

type ExerciseChannel = 'exercises:list' | 'exercises:get' | 'exercises:start' | 'exercises:check';

export function exerciseHandlers(engine: Engine, events: EventQueue, launches: Launches): Pick<Handlers, ExerciseChannel> {
  return {
    'exercises:list': () => engine.listExercises(),
    'exercises:get': ({ id, lab }) => engine.exercise(id, lab ? { lab } : {}),
    'exercises:start': ({ opId, id, lab, reset }) =>
      launches.run(opId, async (signal) => {
        const result = await engine.startExercise(id, { ...(lab ? { lab } : {}), reset: reset === true, signal, ...launchProgress(events, opId) });
        return { name: result.name, elapsedMs: result.elapsedMs };
      }),
    'exercises:check': ({ id, lab, step }) => engine.checkExercise(id, { ...(lab ? { lab } : {}), ...(step !== undefined ? { step } : {}) }),
  };
}
