import { withEngine } from '../cli-context';

export async function exerciseListCommand(flags: { json?: boolean }): Promise<void> {
  await withEngine(async (engine) => {
    const all = await engine.listExercises();
    if (flags.json) {
      process.stdout.write(JSON.stringify(all, null, 2) + '\n');
      return;
    }
    const width = (f: (e: (typeof all)[number]) => string) => Math.max(...all.map((e) => f(e).length));
    const [id, title, lab] = [width((e) => e.id), width((e) => e.title), width((e) => e.lab)];
    for (const e of all) process.stdout.write(`${String(e.number).padStart(2)}  ${e.id.padEnd(id)}  ${e.title.padEnd(title)}  lab ${e.lab.padEnd(lab)}  ${e.steps} steps, ~${e.minutes} min\n`);
    process.stdout.write('show one: podnet exercise show <id|number>; launch its lab: podnet exercise start <id>\n');
  });
}
