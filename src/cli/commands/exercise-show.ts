import type { Exercise, Hint, StepBlock } from '../../shared/exercise';
import { hintToolCommand } from '../../engine/exercises/hint-tool';
import { withEngine } from '../cli-context';

export interface ShowFlags {
  lab?: string;
  hints?: boolean;
  solutions?: boolean;
  json?: boolean;
}

function blockLines(b: StepBlock, flags: ShowFlags): string[] {
  if (b.type === 'prose') return [b.markdown, ''];
  if (b.role === 'solution' && !flags.solutions) return [`  (a solution on ${b.target} is hidden: --solutions shows it)`, ''];
  const tag = b.role === 'solution' ? 'solution ' : '';
  return [...b.commands.map((c) => `  ${tag}[${b.target}] $ ${c}${b.expectFailure ? '    # fails: that is the point' : ''}`), ''];
}

/** A hint and, when it opens a panel in the app, the command that shows the same here. */
function hintLines(h: Hint, lab: string): string {
  const text = [h.markdown, ...(h.tool ? [`$ ${hintToolCommand(lab, h.tool)}`] : [])].filter(Boolean).join('\n');
  return `  hint: ${text.replace(/\n/g, '\n        ')}`;
}

export function exerciseText(e: Exercise, flags: ShowFlags): string {
  const out = [`Exercise ${e.number}: ${e.title}`, `lab ${e.lab} · about ${e.minutes} minutes · ${e.steps} steps${e.resolvedFor ? ` · filled in for lab ${e.resolvedFor}` : ''}`, '', e.intro, ''];
  for (const s of e.exerciseSteps) {
    out.push(`── Step ${s.number}: ${s.title}${s.changes ? '  (you change something here)' : ''}`, '');
    for (const b of s.blocks) out.push(...blockLines(b, flags));
    if (s.hints.length) out.push(...(flags.hints ? s.hints.map((h) => hintLines(h, e.resolvedFor ?? e.lab)) : [`  (${s.hints.length} hint${s.hints.length > 1 ? 's' : ''}: --hints)`]), '');
    out.push('  checked:', ...s.checkLabels.map((l) => `    • ${l}`), '');
  }
  if (e.realWorld) out.push(`── ${e.realWorld.title}`, '', e.realWorld.markdown, '');
  out.push(`check your work: podnet exercise check ${e.id}${e.resolvedFor && e.resolvedFor !== e.lab ? ` --lab ${e.resolvedFor}` : ''}`);
  return out.join('\n') + '\n';
}

export async function exerciseShowCommand(id: string, flags: ShowFlags): Promise<void> {
  await withEngine(async (engine) => {
    let lab = flags.lab;
    if (lab === undefined) {
      // Filled in for the exercise's own lab when it is running.
      const bare = await engine.exercise(id);
      const running = await engine.list().catch(() => []);
      if (running.some((l) => l.name === bare.lab)) lab = bare.lab;
    }
    const e = await engine.exercise(id, lab ? { lab } : {});
    process.stdout.write(flags.json ? JSON.stringify(e, null, 2) + '\n' : exerciseText(e, flags));
  });
}
