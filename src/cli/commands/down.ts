import { existsSync } from 'node:fs';
import { ERROR_CODES } from '../../shared/errors';
import { withEngine } from '../cli-context';
import { PodnetError } from '../../engine/errors';
import { printable } from '../../engine/util/printable';

export async function downCommand(lab: string | undefined, flags: { all?: boolean; force?: boolean }): Promise<void> {
  if (!lab && !flags.all) throw new PodnetError(ERROR_CODES.USAGE, 'say which lab to remove', { hint: 'podnet down <lab>, or podnet down --all' });
  if (lab && flags.all) throw new PodnetError(ERROR_CODES.USAGE, 'give a lab name or --all, not both');
  const opts = flags.force ? { force: true } : {};
  await withEngine(async (engine) => {
    if (flags.all) {
      const all = await engine.downAll(opts);
      if (all.size === 0) process.stdout.write('no labs are running; nothing to remove\n');
      for (const [name, removed] of all) process.stdout.write(`removed lab ${name} (${removed.length} objects)\n`);
      return;
    }
    // A lab file instead of a name: an ssh lab is removed from the machines it names, known to this machine or not.
    const byFile = /\.ya?ml$/.test(lab!) && existsSync(lab!);
    const removed = byFile ? await engine.downSource({ path: lab! }, opts) : await engine.down(lab!, opts);
    if (removed.length === 0) process.stdout.write(`nothing to remove: no lab named "${printable(lab!)}" is running\n`);
    else process.stdout.write(`removed lab ${printable(lab!)}: ${removed.join(', ')}\n`);
  });
}
