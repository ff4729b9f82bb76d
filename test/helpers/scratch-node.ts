// A throw-away node container (podnet/node:2, no network, NET_ADMIN and
// SYS_ADMIN) for tests that load generated rules or run a real daemon
// without building a lab. Every case gets a network namespace of its own, so
// one container serves a whole file. The container removes itself (--rm)
// and ends by itself after 15 minutes if a run dies before `remove()`.
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NODE_IMAGE } from '../../src/engine/drivers/docker/node-image';

const run = promisify(execFile);

export interface ScriptResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface ScratchNode {
  name: string;
  /** Runs a bash script in the container (in a fresh netns with `netns`), `stdin` piped to it. */
  sh(script: string, opts?: { stdin?: string; netns?: string; timeoutMs?: number }): Promise<ScriptResult>;
  remove(): Promise<void>;
}

export async function startScratchNode(tag: string): Promise<ScratchNode> {
  const name = `podnet-test-${tag}-${process.pid}`;
  await run('docker', ['run', '-d', '--rm', '--name', name, '--label', `podnet.test=${tag}`, '--network', 'none', '--cap-add', 'NET_ADMIN', '--cap-add', 'SYS_ADMIN', '--entrypoint', 'sleep', NODE_IMAGE, '900'], { timeout: 60_000 });
  return {
    name,
    sh(script, opts = {}) {
      const argv = opts.netns ? ['bash', '-c', 'ip netns add "$1" 2>/dev/null; exec ip netns exec "$1" bash -c "$2"', 'netns', opts.netns, script] : ['bash', '-c', script];
      return new Promise((resolve, reject) => {
        const child = spawn('docker', ['exec', '-i', name, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ stdout, stderr, code: code ?? -1 });
        });
        child.stdin.end(opts.stdin ?? '');
      });
    },
    async remove() {
      await run('docker', ['rm', '-f', name], { timeout: 30_000 }).catch(() => undefined);
    },
  };
}
