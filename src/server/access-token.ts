// The random token that guards browser mode (it hands out root shells):
// required on every request, as the `token` query parameter or the cookie
// set when the page was first opened with it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM } from '../shared/ws-protocol';

export const TOKEN_COOKIE = 'podnet_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

export type TokenSource = 'query' | 'cookie' | null;

/** Where the request showed the right token, or null when it did not. */
export function presentedToken(req: IncomingMessage, url: URL, token: string): TokenSource {
  const q = url.searchParams.get(TOKEN_PARAM);
  if (q !== null && same(q, token)) return 'query';
  const c = cookieValue(req.headers.cookie, TOKEN_COOKIE);
  if (c !== null && same(c, token)) return 'cookie';
  return null;
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
