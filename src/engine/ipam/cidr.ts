// IPv4 and CIDR math on top of the `ip-address` library.
import { Address4 } from 'ip-address';

export interface CidrProblem {
  message: string;
  hint?: string;
}

export function isIpv4(s: string): boolean {
  return !s.includes('/') && Address4.isValid(s);
}

/** Why `s` is not a valid network CIDR (null if it is one). */
export function cidrProblem(s: string): CidrProblem | null {
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s) || !Address4.isValid(s)) {
    return { message: `"${s}" is not a CIDR`, hint: 'write it as address/length, e.g. 10.2.0.0/16' };
  }
  const network = networkOf(s);
  if (network !== s) {
    return { message: `${s} has host bits set`, hint: `use ${network}` };
  }
  return null;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** An address or CIDR as numbers (plain integer math: allocating 200 hosts does tens of thousands of these). */
function parse(s: string): { ip: number; len: number } {
  const m = DOTTED.exec(s);
  if (!m) throw new Error(`not an IPv4 address or CIDR: ${s}`);
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  const len = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((o) => o > 255) || len > 32) throw new Error(`not an IPv4 address or CIDR: ${s}`);
  return { ip: ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!, len };
}

function firstOf({ ip, len }: { ip: number; len: number }): number {
  return len === 0 ? 0 : ip - (ip % 2 ** (32 - len));
}

export function prefixLen(cidr: string): number {
  return parse(cidr).len;
}

/** The canonical network of a CIDR: 10.2.3.4/16 → 10.2.0.0/16. */
export function networkOf(cidr: string): string {
  const c = parse(cidr);
  return `${fromInt(firstOf(c))}/${c.len}`;
}

export function toInt(ip: string): number {
  return parse(ip.split('/')[0]!).ip;
}

export function fromInt(n: number): string {
  return `${Math.floor(n / 2 ** 24) % 256}.${Math.floor(n / 2 ** 16) % 256}.${Math.floor(n / 2 ** 8) % 256}.${n % 256}`;
}

export function firstInt(cidr: string): number {
  return firstOf(parse(cidr));
}

export function lastInt(cidr: string): number {
  const c = parse(cidr);
  return firstOf(c) + 2 ** (32 - c.len) - 1;
}

/** Address number `n` of a network: nth('10.2.1.0/24', 1) → 10.2.1.1. */
export function nth(cidr: string, n: number): string {
  return fromInt(firstInt(cidr) + n);
}

export function size(cidr: string): number {
  return 2 ** (32 - prefixLen(cidr));
}

export function contains(cidr: string, ipOrCidr: string): boolean {
  const inner = ipOrCidr.includes('/') ? ipOrCidr : `${ipOrCidr}/32`;
  return prefixLen(inner) >= prefixLen(cidr) && firstInt(cidr) <= firstInt(inner) && lastInt(inner) <= lastInt(cidr);
}

export function overlaps(a: string, b: string): boolean {
  return firstInt(a) <= lastInt(b) && firstInt(b) <= lastInt(a);
}

/** The subnets of length `len` inside `cidr`, in order. */
export function* subnets(cidr: string, len: number): Generator<string> {
  const step = 2 ** (32 - len);
  for (let n = firstInt(cidr); n + step - 1 <= lastInt(cidr); n += step) yield `${fromInt(n)}/${len}`;
}

/** Usable host addresses of a network (without network and broadcast address). */
export function usableHosts(cidr: string): number {
  const len = prefixLen(cidr);
  return len >= 31 ? 2 ** (32 - len) : 2 ** (32 - len) - 2;
}
