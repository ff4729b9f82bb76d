// Choosing a default underlay subnet that collides with nothing.
import { DEFAULTS } from '../spec/lab-spec';
import { overlaps, subnets } from './cidr';

/** The first /24 of the pool that overlaps none of `taken`. */
export function pickUnderlaySubnet(taken: readonly string[]): string | null {
  for (const candidate of subnets(DEFAULTS.underlayPool, DEFAULTS.underlayLen)) {
    if (!taken.some((t) => overlaps(t, candidate))) return candidate;
  }
  return null;
}

/** Ranges inside the lab that the underlay must not overlap. */
export function labInternalRanges(spec: { network: { cidr: string }; internet: boolean }): string[] {
  return spec.internet ? [spec.network.cidr, DEFAULTS.internetNet] : [spec.network.cidr];
}
