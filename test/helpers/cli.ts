// Running the real `podnet` command (bin/podnet.js → out/cli, built by `npm install`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PODNET = `${ROOT}bin/podnet.js`;

export function ensureCliBuilt(): void {
  ensureBuilt('cli');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function podnet(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  ensureCliBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PODNET, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
