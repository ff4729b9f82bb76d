// The exercise API, loaded on first use: it brings a Markdown parser and the
// lab-file schema, which `down`, `ls`, `exec` or `ping` never need.
import type { ExerciseApi, ExerciseHost } from './exercise-service';

export function lazyExerciseApi(engine: ExerciseHost, resourcesDir: string): ExerciseApi {
  let api: Promise<ExerciseApi> | null = null;
  const load = () => (api ??= import('./exercise-service').then((m) => m.createExerciseApi(engine, resourcesDir)));
  return {
    listExercises: async () => (await load()).listExercises(),
    exercise: async (id, opts) => (await load()).exercise(id, opts),
    startExercise: async (id, opts) => (await load()).startExercise(id, opts),
    checkExercise: async (id, opts) => (await load()).checkExercise(id, opts),
    playExercise: async (id, opts) => (await load()).playExercise(id, opts),
  };
}
