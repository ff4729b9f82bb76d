// The lab an exercise runs on: its built-in lab file, under the lab's own
// name or a name the caller picks (tests, several learners on one machine).
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ERROR_CODES } from '../../shared/errors';
import type { Exercise, HintTool } from '../../shared/exercise';
import type { Snapshot } from '../../shared/snapshot';
import { PodnetError } from '../errors';
import type { LabSource } from '../lab-source';
import { isValidName, NAME_RULE } from '../spec/names';
import { checkLabel } from './check-label';
import { resolveCheck } from './evaluate-checks';
import { resolvePlaceholders } from './placeholders';

export async function exerciseLabSource(labFile: string, name: string | undefined): Promise<LabSource> {
  if (name === undefined) return { path: labFile };
  if (!isValidName(name)) throw new PodnetError(ERROR_CODES.USAGE, `"${name}" is not a lab name`, { hint: `a lab name must ${NAME_RULE}` });
  const doc = parseDocument(await readFile(labFile, 'utf8'));
  doc.set('name', name);
  return { text: doc.toString(), file: labFile };
}

function fillTool(tool: HintTool, fill: (text: string) => string): HintTool {
  return tool.panel === 'path' ? { ...tool, to: fill(tool.to) } : { ...tool, ...(tool.filter ? { filter: fill(tool.filter) } : {}) };
}

/** The exercise with its commands and check labels filled in from a lab's observed state (what cannot be filled yet stays as {{…}}). */
export function resolveExercise(exercise: Exercise, snapshot: Snapshot): Exercise {
  const fill = (text: string) => {
    try {
      return resolvePlaceholders(text, snapshot);
    } catch {
      return text;
    }
  };
  return {
    ...exercise,
    resolvedFor: snapshot.name,
    exerciseSteps: exercise.exerciseSteps.map((step) => ({
      ...step,
      blocks: step.blocks.map((b) => (b.type === 'commands' ? { ...b, commands: b.commands.map(fill) } : b)),
      hints: step.hints.map((h) => (h.tool ? { ...h, tool: fillTool(h.tool, fill) } : h)),
      checkLabels: step.checks.map((c) => {
        try {
          return checkLabel(resolveCheck(c, snapshot));
        } catch {
          return checkLabel(c);
        }
      }),
    })),
  };
}
