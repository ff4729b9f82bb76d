// kube-router's NetworkPolicy state in a host's observation (same script, same
// round trip): the filter table is the iptables-save already read; the ipsets
// are read with `ipset save` only when kube-router's jump chain is in that
// save (`$ipt`, which the observe script keeps), so a lab without policies
// costs nothing more.
import type { NetpolObserved } from '../../shared/netpol';
import { KUBE_ROUTER_FORWARD } from '../plan/kube-router-names';
import { parseNetpol } from './parse-netpol';

export const IPSET_SECTION = 'ipset';

/** The lines of the observe script after `ipt=$(iptables-save)`. */
export function netpolObserveScript(): string {
  return `case "$ipt" in *':${KUBE_ROUTER_FORWARD} '*)
  printf '\\036section ${IPSET_SECTION}\\n'
  ipset save 2>/dev/null || true
esac
`;
}

/** The host's NetworkPolicy state as its kube-router rules enforce it; null without kube-router's chains. */
export function observedNetpol(sections: ReadonlyMap<string, string>, filterLines: readonly string[]): NetpolObserved | null {
  const ipsets = sections.get(IPSET_SECTION);
  if (ipsets === undefined) return null;
  try {
    return parseNetpol(filterLines, ipsets);
  } catch {
    return null;
  }
}
