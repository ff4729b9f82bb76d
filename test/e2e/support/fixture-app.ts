// The renderer served by Vite on 127.0.0.1 with a recorded snapshot instead
// of a lab (test/e2e/fixture-app): for suites that look at the drawing in
// Chromium where the lab itself cannot be built yet.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { createServer, type ViteDevServer } from 'vite';
import { ROOT } from '../../helpers/cli';

export interface FixtureApp {
  /** The page's address (add `?fixture=…`). */
  url: string;
  stop(): Promise<void>;
}

export async function startFixtureApp(): Promise<FixtureApp> {
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: resolve(ROOT, 'test/e2e/fixture-app'),
    plugins: [svelte({ configFile: resolve(ROOT, 'svelte.config.js') })],
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [ROOT] } },
    logLevel: 'warn',
    clearScreen: false,
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the fixture app has no address');
  return { url: `http://127.0.0.1:${address.port}/`, stop: () => server.close() };
}
