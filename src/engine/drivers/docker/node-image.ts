// The node image every lab host runs. Two recipes, same packages
// (resources/node-image/packages.txt): the Dockerfile where a registry is
// reachable, and an offline build — debootstrap from the Debian mirror this
// machine's apt uses, then `docker import` — where none is.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError, cancelledError } from '../../errors';
import { parseAptSources, pickDebianMirror, readAptSources, type AptMirror } from './apt-mirror';

export const NODE_IMAGE_REPO = 'podnet/node';
/** Bump when the recipe changes, so existing machines build the new image. */
export const NODE_IMAGE_TAG = '2';
export const NODE_IMAGE = `${NODE_IMAGE_REPO}:${NODE_IMAGE_TAG}`;
const BASE_IMAGE = 'debian:bookworm-slim';

export type ImageMethod = 'auto' | 'dockerfile' | 'offline';

export interface BuildImageOptions {
  resourcesDir: string;
  method?: ImageMethod;
  mirror?: AptMirror;
  onLine(line: string): void;
  signal?: AbortSignal;
}

export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

function commandExists(cmd: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some((d) => existsSync(join(d, cmd)));
}

/** auto: Dockerfile if its base image is already here; else offline if possible; else Dockerfile (pulls). */
async function chooseMethod(docker: Docker, method: ImageMethod): Promise<'dockerfile' | 'offline'> {
  if (method !== 'auto') return method;
  if (await imageExists(docker, BASE_IMAGE)) return 'dockerfile';
  if (process.getuid?.() === 0 && commandExists('debootstrap')) return 'offline';
  return 'dockerfile';
}

export async function buildNodeImage(docker: Docker, opts: BuildImageOptions): Promise<'dockerfile' | 'offline'> {
  const method = await chooseMethod(docker, opts.method ?? 'auto');
  opts.onLine(`building ${NODE_IMAGE} (${method === 'offline' ? 'offline: debootstrap + docker import' : 'Dockerfile'})`);
  if (method === 'offline') await buildOffline(docker, opts);
  else await buildFromDockerfile(docker, opts);
  return method;
}

async function buildFromDockerfile(docker: Docker, opts: BuildImageOptions): Promise<void> {
  const context = join(opts.resourcesDir, 'node-image');
  const stream = await docker.buildImage({ context, src: ['Dockerfile', 'packages.txt'] }, { t: NODE_IMAGE, abortSignal: opts.signal } as Docker.ImageBuildOptions);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string }[]) => {
        const failed = err?.message ?? output?.find((o) => o.error)?.error;
        if (failed) {
          reject(
            new PodnetError(ERROR_CODES.IMAGE, `building ${NODE_IMAGE} from the Dockerfile failed: ${failed}`, {
              hint: 'without an image registry, build it offline as root: `sudo npx podnet image build --offline` (needs debootstrap: `apt-get install debootstrap`)',
            }),
          );
        } else resolve();
      },
      (event: { stream?: string; status?: string }) => {
        const line = (event.stream ?? event.status ?? '').trim();
        if (line) opts.onLine(line);
      },
    );
  });
}

function run(cmd: string, args: string[], onLine: (l: string) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const tail: string[] = [];
    for (const s of [child.stdout, child.stderr]) {
      createInterface({ input: s }).on('line', (l) => {
        tail.push(l);
        if (tail.length > 20) tail.shift();
        onLine(l);
      });
    }
    child.on('error', (e) => reject(signal?.aborted ? cancelledError() : e));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}:\n${tail.join('\n')}`))));
  });
}

async function buildOffline(docker: Docker, opts: BuildImageOptions): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new PodnetError(ERROR_CODES.IMAGE, 'the offline image build needs root (debootstrap creates a root file system)', { hint: 'run `sudo npx podnet image build --offline`' });
  }
  if (!commandExists('debootstrap')) {
    throw new PodnetError(ERROR_CODES.IMAGE, 'the offline image build needs debootstrap', { hint: 'install it: `sudo apt-get install -y debootstrap`' });
  }
  const mirror = opts.mirror ?? pickDebianMirror(parseAptSources(readAptSources()));
  if (!mirror) {
    throw new PodnetError(ERROR_CODES.IMAGE, 'no Debian mirror found in /etc/apt/sources.list(.d)', { hint: 'pass one: `podnet image build --offline --mirror http://deb.debian.org/debian --suite bookworm`' });
  }
  const packages = readFileSync(join(opts.resourcesDir, 'node-image', 'packages.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const root = await mkdtemp(join(tmpdir(), 'podnet-rootfs-'));
  try {
    opts.onLine(`debootstrap ${mirror.suite} from ${mirror.uri}`);
    await run('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, mirror.suite, root, mirror.uri], opts.onLine, opts.signal);
    await run('sh', ['-c', 'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/tmp/*', 'sh', root], opts.onLine, opts.signal);
    opts.onLine(`docker import → ${NODE_IMAGE}`);
    const tar = spawn('tar', ['-C', root, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'], signal: opts.signal });
    const stream = (await docker.importImage(tar.stdout as unknown as string, {
      repo: NODE_IMAGE_REPO,
      tag: NODE_IMAGE_TAG,
      changes: ['CMD ["sleep", "infinity"]', 'LABEL podnet.image=node'],
    })) as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  } catch (e) {
    if (e instanceof PodnetError) throw e;
    throw new PodnetError(ERROR_CODES.IMAGE, `offline build of ${NODE_IMAGE} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
