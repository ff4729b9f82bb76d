import { withEngine } from '../cli-context';

export async function exerciseListCommand(flags: { json?: boolean }): Promise<void> {
  await withEngine(async (engine) => {
    const all = await engine.listExercises();
    if (flags.json) {
      process.stdout.write(JSON.stringify(all, null, 2) + '\n');
      return;
    }
    for (const e of all) process.stdout.write(`${String(e.number).padStart(2)}  ${e.id.padEnd(18)} ${e.title.padEnd(44)} lab ${e.lab.padEnd(16)} ${e.steps} steps, ~${e.minutes} min\n`);
    process.stdout.write('show one: podnet exercise show <id|number>; launch its lab: podnet exercise start <id>\n');
  });
}
