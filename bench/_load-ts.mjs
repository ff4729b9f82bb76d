// Loads a TypeScript module of the project in a benchmark (plain Node runs
// .mjs only): bundled once with esbuild into out/bench, dependencies left
// to node_modules. Files starting with `_` are helpers, not benchmarks.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function loadTs(relativePath) {
  mkdirSync(`${ROOT}/out/bench`, { recursive: true });
  const outfile = `${ROOT}/out/bench/${basename(relativePath).replace(/\.ts$/, '')}.mjs`;
  await build({ entryPoints: [`${ROOT}/${relativePath}`], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  return import(pathToFileURL(outfile).href);
}
