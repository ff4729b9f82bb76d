// RFC 4648 base32 (Go's encoding/base32.StdEncoding) — the alphabet Kubernetes
// agents hash their chain and set names into (kube-proxy, kube-router).
import { createHash } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** base32.StdEncoding.EncodeToString, with its `=` padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

/** base32(sha256(text)): `base32.StdEncoding.EncodeToString(sha256.Sum256([]byte(text)))`. */
export const sha256Base32 = (text: string): string => base32(createHash('sha256').update(text).digest());

/** base32(sha1(text)[:n]). */
export const sha1Base32 = (text: string, bytes: number): string => base32(createHash('sha1').update(text).digest().subarray(0, bytes));
