// kube-proxy's state in a host's observation (same script, same round trip):
// iptables mode is parsed from the iptables-save already read; nftables mode
// needs the `ip kube-proxy` table, read only when it is there (JSON for the
// parser, the text for each chain's statements). On a shared machine the lab
// names its table and chains with the prefix its pods' namespaces have
// (`pn-kube-proxy`, `PN-KUBE-SERVICES`: ssh-plan-context.ts).
import type { ObservedServices } from '../../shared/services';
import { shellQuote } from '../util/shell-quote';
import { KUBE_PROXY_TABLE } from '../plan/kube-proxy-nftables';
import { parseKubeServicesNft } from './parse-kube-nft';
import { parseKubeServicesIptables } from './parse-kube-services';

export const KUBE_NFT_SECTION = 'kube-nft';
export const KUBE_NFT_TEXT_SECTION = 'kube-nft-text';

const tableOf = (netnsPrefix: string) => `${netnsPrefix}${KUBE_PROXY_TABLE}`;
const chainPrefixOf = (netnsPrefix: string) => netnsPrefix.toUpperCase();

/** The lines of the observe script that read the nft table (nothing is printed without it). */
export function kubeObserveScript(netnsPrefix: string): string {
  const table = shellQuote(tableOf(netnsPrefix));
  return `if kube_nft=$(nft -j list table ip ${table} 2>/dev/null); then
  printf '\\036section ${KUBE_NFT_SECTION}\\n%s\\n' "$kube_nft"
  printf '\\036section ${KUBE_NFT_TEXT_SECTION}\\n'
  nft list table ip ${table} 2>/dev/null || true
fi
`;
}

/** The host's Services as its kube-proxy rules implement them; null without kube-proxy (or rules that cannot be read). */
export function observedServices(sections: ReadonlyMap<string, string>, netnsPrefix: string): ObservedServices | null {
  const json = sections.get(KUBE_NFT_SECTION);
  try {
    if (json !== undefined && json.trim() !== '') return parseKubeServicesNft(json, sections.get(KUBE_NFT_TEXT_SECTION));
    const save = sections.get('iptables') ?? '';
    const prefix = chainPrefixOf(netnsPrefix);
    if (!save.includes(`\n:${prefix}KUBE-SERVICES `)) return null;
    return parseKubeServicesIptables(save, { chainPrefix: prefix });
  } catch {
    return null;
  }
}
