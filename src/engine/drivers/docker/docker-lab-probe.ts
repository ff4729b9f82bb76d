// Is a lab of this name on the local Docker engine? One raw API request
// over the engine's unix socket — so that a local or SSH lab can check its
// name is free without loading the Docker client library.
import { request } from 'node:http';

/** The local engine's socket, or null when DOCKER_HOST points elsewhere (then ask the full client). */
export function localDockerSocket(env: NodeJS.ProcessEnv = process.env): string | null {
  const host = env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) || '/var/run/docker.sock' : null;
}

/** true/false; null when the engine cannot be asked this way (no socket, no answer: no Docker labs either). */
export function dockerHasLab(socketPath: string, lab: string, timeoutMs = 2000): Promise<boolean | null> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`podnet.lab=${lab}`] }));
  return new Promise((resolve) => {
    const req = request({ socketPath, path: `/containers/json?all=1&filters=${filters}`, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as unknown[]).length > 0 : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}
