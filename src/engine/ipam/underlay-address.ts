import { INTERNET_NODE } from '../spec/names';
import type { Allocation } from './allocation';

/** A host's (or the internet node's) address on the underlay; null for a name the lab does not have. */
export function underlayAddressOf(allocation: Allocation, host: string): string | null {
  const h = allocation.hosts.find((x) => x.name === host);
  if (h) return h.underlayIp;
  return host === INTERNET_NODE ? (allocation.internet?.underlayIp ?? null) : null;
}
