// `podnet serve --port 0` as a child process, the way a user starts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { PODNET, ROOT, ensureCliBuilt } from '../../helpers/cli';

export interface Served {
  url: string;
  origin: string;
  token: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startServe(): Promise<Served> {
  ensureCliBuilt();
  const child: ChildProcess = spawn(process.execPath, [PODNET, 'serve', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`podnet serve printed no URL:\n${out}`)), 15_000);
    const check = () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`podnet serve exited (${code}):\n${out}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
