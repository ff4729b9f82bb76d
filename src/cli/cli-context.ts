// What every command needs: an engine over the project's resources, and a
// way to stop cleanly on Ctrl-C.
import { fileURLToPath } from 'node:url';
import type { Engine } from '../engine/index';

/** resources/ — two levels up both from src/cli (tests) and out/cli (the bundle). */
export const RESOURCES_DIR = fileURLToPath(new URL('../../resources', import.meta.url));
/** The built renderer (`npm run build`), served by `podnet serve`. */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

export async function withEngine<T>(run: (engine: Engine) => Promise<T>): Promise<T> {
  const { createEngine } = await import('../engine/index');
  const { terminalHostKeyPrompt } = await import('./host-key-prompt');
  const confirm = terminalHostKeyPrompt();
  const engine = createEngine({
    resourcesDir: RESOURCES_DIR,
    ...(process.env.PODNET_IMAGE_METHOD ? { imageMethod: process.env.PODNET_IMAGE_METHOD as 'auto' } : {}),
    // --accept-new-host-keys (or PODNET_ACCEPT_NEW_HOST_KEYS=1); on a terminal, otherwise, the user is asked.
    hostKeys: { acceptNew: process.env.PODNET_ACCEPT_NEW_HOST_KEYS === '1', ...(confirm ? { confirm } : {}) },
  });
  try {
    return await run(engine);
  } finally {
    await engine.dispose();
  }
}

/**
 * An AbortSignal fired by the first Ctrl-C, a `kill` (SIGTERM) or the
 * terminal closing (SIGHUP): the command then ends what it started on the
 * hosts before it exits. A second Ctrl-C exits at once.
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\ncancelling… (Ctrl-C again to quit now)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  process.once('SIGTERM', () => controller.abort());
  process.once('SIGHUP', () => controller.abort());
  return controller.signal;
}
