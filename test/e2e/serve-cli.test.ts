// `podnet serve` as a command: its address, its refusals, Ctrl-C.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { podnet } from '../helpers/cli';
import { startServe } from './support/serve';

/** The status of a GET of `target` exactly as written (fetch would normalize `//[`). */
function rawStatus(origin: string, target: string): Promise<number> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    request({ host: hostname, port, path: target }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    })
      .on('error', reject)
      .end();
  });
}

describe('podnet serve (the command)', () => {
  it('prints a 127.0.0.1 address with a random token, different every start, and stops on Ctrl-C', async () => {
    const a = await startServe();
    const b = await startServe();
    try {
      expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
      expect(a.token).not.toBe(b.token);
      expect(a.output()).toContain('The token in the address is the key');
      const page = await fetch(a.url);
      expect(page.status).toBe(200);
      expect(page.headers.get('set-cookie')).toBeNull();
      // A request that is not a URL gets 400, and the server keeps serving (it used to end it).
      expect(await rawStatus(a.origin, '//[')).toBe(400);
      expect((await fetch(a.url)).status).toBe(200);
    } finally {
      await a.stop();
      await b.stop();
    }
    await expect(fetch(a.url)).rejects.toThrow();
  });

  it('refuses a port that is not one, as bad input (exit 2)', async () => {
    const r = await podnet(['serve', '--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port eighty is not a port');
  });
});
