import { ERROR_CODES } from '../../shared/errors';
import { PodnetError } from '../../engine/errors';
import { interruptSignal, withEngine } from '../cli-context';

export async function imageBuildCommand(flags: { method?: string; offline?: boolean }): Promise<void> {
  const method = flags.offline ? 'offline' : (flags.method ?? 'auto');
  if (!['auto', 'dockerfile', 'offline'].includes(method)) {
    throw new PodnetError(ERROR_CODES.USAGE, `unknown build method "${method}"`, { hint: 'use --method auto, dockerfile or offline' });
  }
  await withEngine(async (engine) => {
    const started = performance.now();
    const used = await engine.buildImage({ method: method as 'auto', onLine: (l) => process.stderr.write(`  ${l}\n`), signal: interruptSignal() });
    process.stdout.write(`built the node image (${used}) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  });
}
