import { ExitCode, reportError } from '../cli-errors';
import { withEngine } from '../cli-context';
import type { LabSummary } from '../../shared/lab';
import { hostState, statusAdvice, statusText } from '../lab-status';

export async function lsCommand(flags: { json?: boolean }): Promise<void> {
  // An engine that cannot be asked makes the list partial: said on stderr, after the labs, with exit code 1.
  const unreachable: unknown[] = [];
  await withEngine(async (engine) => {
    const labs = await engine.list({ onUnreachable: (e) => unreachable.push(e) });
    if (flags.json) {
      process.stdout.write(JSON.stringify(labs, null, 2) + '\n');
      return;
    }
    if (labs.length === 0) {
      process.stdout.write('no labs are running (start one: podnet up resources/labs/flannel-vxlan.yaml)\n');
      return;
    }
    for (const lab of labs) {
      process.stdout.write(`${lab.name}  ${statusText(lab)}  ${lab.driver}  ${lab.mode}/${lab.backend}  underlay ${lab.underlay ?? '-'}  ${startedBy(lab)}\n`);
      for (const h of lab.hosts) {
        const pods = h.pods.length ? `  pods: ${h.pods.join(', ')}` : '';
        const state = hostState(lab, h.name);
        process.stdout.write(`  ${h.name.padEnd(10)} ${(h.address ?? '-').padEnd(15)} ${state === 'running' ? state : state.toUpperCase()}${pods}\n`);
      }
      const advice = statusAdvice(lab);
      if (advice) process.stdout.write(`  ${advice}\n`);
    }
  });
  let code = 0;
  for (const e of unreachable) code = Math.max(code, await reportError(e));
  if (code) throw new ExitCode(code);
}

/** Who built the lab, as the app's labs panel says it. */
function startedBy(lab: LabSummary): string {
  if (lab.startedByYou) return 'started by you';
  return lab.owner ? `started by ${lab.owner}` : 'started by: not recorded';
}
