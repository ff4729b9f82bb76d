// A request's target as a URL, or null when it is not one this server can
// answer: `new URL()` throws on targets such as `//[`, and a throw in the
// request listener would end the whole server.
import type { IncomingMessage } from 'node:http';

export function requestUrl(req: IncomingMessage, origin: string): URL | null {
  const target = req.url ?? '/';
  // Only origin-form targets (`/path?query`); `//host/…` and absolute URLs are not paths of this server.
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, origin);
  } catch {
    return null;
  }
}
