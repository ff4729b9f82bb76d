// The script that reads a host's real state in one go: its interfaces,
// routes, neighbours, fdb, iptables (and kube-proxy's nft table, kube-router's ipsets), then the same for every pod
// namespace found on it (found, not planned: a namespace a learner adds shows up).
import { shellQuote } from '../util/shell-quote';
import type { ObserveScope } from '../drivers/host-driver';
import { kubeObserveScript } from './observe-kube';
import { netpolObserveScript } from './observe-netpol';

export const SECTION_MARK = '\x1esection ';

export function observeScript(scope: ObserveScope): string {
  const prefix = shellQuote(scope.netnsPrefix);
  return `printf '\\036section host\\n'
ip -j -d -s -batch - <<'PODNET_EOF'
addr show
route show
neigh show
PODNET_EOF
printf '\\036section fdb\\n'
bridge -j fdb show 2>/dev/null || echo '[]'
printf '\\036section iptables\\n'
ipt=$(iptables-save 2>/dev/null) || true
printf '%s\\n' "$ipt"
${netpolObserveScript()}${kubeObserveScript(scope.netnsPrefix)}for path in /run/netns/${prefix}*; do
  [ -e "$path" ] || continue
  ns=\${path#/run/netns/}
  printf '\\036section pod %s\\n' "\${ns#${prefix}}"
  ip -n "$ns" -j -d -s -batch - <<'PODNET_EOF' 2>/dev/null || echo '[] [] []'
addr show
route show
neigh show
PODNET_EOF
done
`;
}

/** Splits the output into its sections: `host`, `fdb`, `iptables`, `pod <name>`. */
export function splitSections(output: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = output.split(SECTION_MARK);
  for (const part of parts.slice(1)) {
    const nl = part.indexOf('\n');
    const name = nl < 0 ? part : part.slice(0, nl);
    sections.set(name.trim(), nl < 0 ? '' : part.slice(nl + 1));
  }
  return sections;
}
