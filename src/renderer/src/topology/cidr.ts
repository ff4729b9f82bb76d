// The little IPv4 arithmetic the view needs (network of an address).
export function ipv4ToNumber(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `198.18.0.11`, 24 → `198.18.0.0/24`. */
export function networkOf(ip: string, prefixLen: number): string | null {
  const n = ipv4ToNumber(ip);
  if (n === null || prefixLen < 0 || prefixLen > 32) return null;
  const mask = prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
  return `${numberToIpv4((n & mask) >>> 0)}/${prefixLen}`;
}
