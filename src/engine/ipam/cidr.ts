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

function addr(s: string): Address4 {
  return new Address4(s);
}

export function prefixLen(cidr: string): number {
  return addr(cidr).subnetMask;
}

/** The canonical network of a CIDR: 10.2.3.4/16 → 10.2.0.0/16. */
export function networkOf(cidr: string): string {
  const a = addr(cidr);
  return `${a.startAddress().correctForm()}/${a.subnetMask}`;
}

export function toInt(ip: string): number {
  return Number(addr(ip.split('/')[0]!).bigInt());
}

export function fromInt(n: number): string {
  return Address4.fromBigInt(BigInt(n)).correctForm();
}

export function firstInt(cidr: string): number {
  return Number(addr(cidr).startAddress().bigInt());
}

export function lastInt(cidr: string): number {
  return Number(addr(cidr).endAddress().bigInt());
}

/** Address number `n` of a network: nth('10.2.1.0/24', 1) → 10.2.1.1. */
export function nth(cidr: string, n: number): string {
  return fromInt(firstInt(cidr) + n);
}

export function size(cidr: string): number {
  return 2 ** (32 - prefixLen(cidr));
}

export function contains(cidr: string, ipOrCidr: string): boolean {
  return addr(ipOrCidr.includes('/') ? ipOrCidr : `${ipOrCidr}/32`).isInSubnet(addr(cidr));
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
