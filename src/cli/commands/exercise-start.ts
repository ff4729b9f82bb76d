import { interruptSignal, withEngine } from '../cli-context';
import { createProgressPrinter } from '../progress-printer';

export async function exerciseStartCommand(id: string, flags: { lab?: string; reset?: boolean }): Promise<void> {
  await withEngine(async (engine) => {
    const printer = createProgressPrinter();
    try {
      const r = await engine.startExercise(id, { ...flags, onProgress: printer.progress, onLog: printer.log, signal: interruptSignal() });
      printer.end();
      process.stdout.write(`lab ${r.name} is up for exercise ${id}.\nread it: podnet exercise show ${id}${flags.lab ? ` --lab ${r.name}` : ''}\ncheck it: podnet exercise check ${id}${flags.lab ? ` --lab ${r.name}` : ''}\n`);
    } finally {
      printer.end();
    }
  });
}
