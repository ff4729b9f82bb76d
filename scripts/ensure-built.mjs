// Builds what a test or benchmark runs when any source is newer than the
// build, so nothing ever measures or tests yesterday's code.
//   'cli': the podnet bundle (out/cli, includes engine.js)
//   'app': the Electron/renderer build and the CLI (npm run build)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const builtAt = (file) => (existsSync(join(ROOT, file)) ? statSync(join(ROOT, file)).mtimeMs : 0);

/** @param {'cli' | 'app'} what */
export function ensureBuilt(what) {
  const sources = newest(join(ROOT, 'src'));
  const outputs = what === 'app' ? ['out/renderer/index.html', 'out/main/index.js', 'out/cli/podnet.js'] : ['out/cli/podnet.js', 'out/cli/engine.js'];
  if (outputs.every((f) => builtAt(f) >= sources)) return;
  const [cmd, args] = what === 'app' ? ['npm', ['run', 'build']] : [process.execPath, ['scripts/build-cli.mjs']];
  console.log(`[podnet] sources changed since the last build: ${[cmd.includes('npm') ? 'npm' : 'node', ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
  if (r.status !== 0) throw new Error(`building the ${what} failed`);
}
