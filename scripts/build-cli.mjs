// Bundles the `podnet` CLI (src/cli) into out/cli/podnet.js with esbuild.
// Small pure-JS dependencies (yaml, zod, commander, …) are bundled: loading
// one file is much faster than resolving the hundreds of small files they
// ship as, on every command. Native and large CommonJS dependencies stay in
// node_modules and are loaded only by the commands that need them.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync('out/cli', { recursive: true, force: true });
await build({
  // engine.js: the facade as plain JS, for the benchmarks.
  entryPoints: { podnet: 'src/cli/index.ts', server: 'src/server/index.ts', engine: 'src/engine/index.ts' },
  outdir: 'out/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  sourcemap: true,
  external: ['dockerode', 'ssh2', 'node-pty', 'ws', 'playwright-core', 'electron'],
  // Bundled CommonJS (commander) require()s Node's built-ins: give ESM chunks a require.
  banner: { js: "import { createRequire as __podnetRequire } from 'node:module'; const require = __podnetRequire(import.meta.url);" },
  define: { PODNET_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
