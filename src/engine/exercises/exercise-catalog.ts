// The exercises that ship with the app: resources/exercises/*.md, in file
// name order (01-…, 02-…), each checked against its built-in lab.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ERROR_CODES } from '../../shared/errors';
import type { Exercise } from '../../shared/exercise';
import { listBuiltinLabs } from '../builtin-labs';
import { PodnetError } from '../errors';
import { parseLab } from '../spec/parse-lab';
import type { LabSpec } from '../spec/lab-spec';
import { parseExercise } from './parse-exercise';

export interface CatalogEntry {
  exercise: Exercise;
  /** The built-in lab file it runs on. */
  labFile: string;
}

export async function loadExercises(resourcesDir: string): Promise<CatalogEntry[]> {
  const dir = join(resourcesDir, 'exercises');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  const labs = await listBuiltinLabs(resourcesDir);
  const specs = new Map<string, { spec: LabSpec; file: string }>();
  for (const lab of labs) specs.set(lab.name, { spec: parseLab(await readFile(lab.file, 'utf8'), lab.file).spec, file: lab.file });
  const entries: CatalogEntry[] = [];
  for (const [i, f] of files.entries()) {
    const path = join(dir, f);
    const exercise = parseExercise(await readFile(path, 'utf8'), path, i + 1, (name) => specs.get(name)?.spec);
    entries.push({ exercise, labFile: specs.get(exercise.lab)!.file });
  }
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.exercise.id)) throw new PodnetError(ERROR_CODES.SPEC, `two exercises have the id "${e.exercise.id}"`);
    ids.add(e.exercise.id);
  }
  return entries;
}

/** An exercise by id, or by its number in the curriculum ("6"). */
export async function findExercise(resourcesDir: string, idOrNumber: string): Promise<CatalogEntry> {
  const all = await loadExercises(resourcesDir);
  const found = /^\d+$/.test(idOrNumber) ? all[Number(idOrNumber) - 1] : all.find((e) => e.exercise.id === idOrNumber);
  if (!found) {
    throw new PodnetError(ERROR_CODES.USAGE, `there is no exercise "${idOrNumber}"`, {
      hint: `exercises: ${all.map((e) => `${e.exercise.number} ${e.exercise.id}`).join(', ')}`,
    });
  }
  return found;
}
