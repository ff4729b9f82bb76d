// Before the e2e suites: the app must be built (a fresh clone runs
// `npm install && npm test`). Rebuilds when any source is newer than the
// build, so the browser never tests yesterday's renderer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const builtAt = (file: string) => (existsSync(join(ROOT, file)) ? statSync(join(ROOT, file)).mtimeMs : 0);

export default function setup(): void {
  const sources = newest(join(ROOT, 'src'));
  if (builtAt('out/renderer/index.html') >= sources && builtAt('out/cli/podnet.js') >= sources) return;
  console.log('[e2e] building the app (npm run build)…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
  if (r.status !== 0) throw new Error('npm run build failed: the e2e suites need the built app');
}
