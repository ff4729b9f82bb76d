#!/usr/bin/env node
// Entry point of the `podnet` command. The CLI is bundled to out/cli by
// `npm install` (the "prepare" script) so that start-up stays fast.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../out/cli/podnet.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('podnet: the CLI is not built yet. Run `npm install` (or `npm run build:cli`) in the project folder.\n');
  process.exit(1);
}
await import(pathToFileURL(entry).href);
