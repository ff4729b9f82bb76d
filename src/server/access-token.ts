// The random token that guards browser mode's API socket (it hands out root
// shells). Only the socket needs it: the page and its assets are public build
// output. It is never set as a cookie — cookies are not scoped by port, so
// every other service on 127.0.0.1 would receive it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_PARAM } from '../shared/ws-protocol';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether the socket's address carries the right token (`?token=`). */
export function hasToken(url: URL, token: string): boolean {
  const q = url.searchParams.get(TOKEN_PARAM);
  return q !== null && same(q, token);
}
