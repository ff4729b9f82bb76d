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

/** `killAfterMs`: a command that must end quickly is killed (SIGKILL) after that long, instead of running on. */
export function podnet(args: string[], env: NodeJS.ProcessEnv = {}, opts: { killAfterMs?: number } = {}): Promise<CliResult> {
  ensureCliBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PODNET, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = opts.killAfterMs ? setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs) : undefined;
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
