// Bundles the `podnet` CLI (src/cli) into out/cli/podnet.js with esbuild.
// Runtime dependencies stay external (they are in node_modules), so the
// bundle is small and `podnet --help` starts fast.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync('out/cli', { recursive: true, force: true });
await build({
  // engine.js: the facade as plain JS, for the benchmarks.
  entryPoints: { podnet: 'src/cli/index.ts', server: 'src/server/index.ts', engine: 'src/main/engine/index.ts' },
  outdir: 'out/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  sourcemap: true,
  packages: 'external',
  define: { PODNET_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
