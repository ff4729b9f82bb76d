// `podnet serve`: the app in a browser. Runs until Ctrl-C.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../shared/errors';
import { RENDERER_DIR, RESOURCES_DIR } from '../cli-context';

declare const PODNET_VERSION: string | undefined;

export async function serveCommand(flags: { port?: string }): Promise<void> {
  const { createEngine, PodnetError } = await import('../../engine/index');
  const port = Number(flags.port ?? '7474');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PodnetError(ERROR_CODES.USAGE, `--port ${flags.port} is not a port`, { hint: 'a number from 1 to 65535, or 0 for any free port' });
  }
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new PodnetError(ERROR_CODES.USAGE, `the app is not built (no ${join(RENDERER_DIR, 'index.html')})`, { hint: 'run `npm run build` in the project folder' });
  }
  const { startServer } = await import('../../server/index');
  const { guardProcess } = await import('../../server/process-guard');
  const engine = createEngine({
    resourcesDir: RESOURCES_DIR,
    ...(process.env.PODNET_IMAGE_METHOD ? { imageMethod: process.env.PODNET_IMAGE_METHOD as 'auto' } : {}),
    // No one to ask in browser mode: new SSH machines are trusted only with PODNET_ACCEPT_NEW_HOST_KEYS=1 (or accepted once with the CLI).
    hostKeys: { acceptNew: process.env.PODNET_ACCEPT_NEW_HOST_KEYS === '1' },
  });
  const server = await startServer({
    engine,
    resourcesDir: RESOURCES_DIR,
    rendererDir: RENDERER_DIR,
    port,
    version: typeof PODNET_VERSION === 'string' ? PODNET_VERSION : 'dev',
  }).catch((e: NodeJS.ErrnoException) => {
    void engine.dispose();
    if (e.code === 'EADDRINUSE') throw new PodnetError(ERROR_CODES.USAGE, `port ${port} on 127.0.0.1 is in use`, { hint: 'pick another: podnet serve --port 0' });
    throw e;
  });
  const unguard = guardProcess((line) => void process.stderr.write(`${line}\n`));
  process.stdout.write(
    `Podnet Lab is served on this machine only. Open:\n\n  ${server.url}\n\n` +
      'The token in the address is the key: anyone with it gets root shells in your labs. The page takes it out of its address\n' +
        'once open (a reload in the same tab keeps working). Ctrl-C stops the server.\n',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  unguard();
  const left = await engine.list().catch(() => []);
  if (left.length) process.stderr.write(`labs still running: ${left.map((l) => l.name).join(', ')} (stop one: podnet down <lab>)\n`);
  await engine.dispose();
}
