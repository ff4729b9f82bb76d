// What the iptables and the nftables parsers of kube-proxy's rules share:
// one ObservedServicePort at a time, grouped into Services.
import type { ObservedProtocol, ObservedService, ObservedServicePort } from '../../shared/services';

/** `default/web:http` → namespace, name, port name ('' when unnamed). */
export function splitServicePortName(spn: string): { namespace: string; name: string; portName: string } | null {
  const m = /^([a-z0-9-]+)\/([a-z0-9-]+)(?::([a-z0-9-]+))?$/.exec(spn);
  return m ? { namespace: m[1]!, name: m[2]!, portName: m[3] ?? '' } : null;
}

export function emptyServicePort(spn: string, protocol: ObservedProtocol): ObservedServicePort {
  return {
    servicePortName: spn,
    portName: splitServicePortName(spn)?.portName ?? '',
    protocol,
    clusterIP: null,
    port: null,
    nodePort: null,
    endpoints: [],
    localEndpoints: null,
    externalTrafficPolicy: null,
    affinityTimeoutSeconds: null,
    noEndpoints: { clusterIP: null, nodePort: null },
    chains: [],
    rules: [],
  };
}

/**
 * The share each endpoint rule gets: its probability of what the rules before
 * it left over. A rule whose endpoint chain does not end in a DNAT (its rule
 * deleted) takes nothing: the packet comes back and goes on down the chain.
 */
export function shares(rules: readonly { probability: number | null; terminal: boolean }[]): number[] {
  let left = 1;
  return rules.map((r) => {
    if (!r.terminal) return 0;
    const share = left * (r.probability ?? 1);
    left -= share;
    return share;
  });
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Service ports grouped by their Service, sorted. */
export function groupServices(ports: Iterable<ObservedServicePort>): ObservedService[] {
  const byService = new Map<string, ObservedService>();
  for (const p of ports) {
    const parts = splitServicePortName(p.servicePortName);
    if (!parts) continue;
    const key = `${parts.namespace}/${parts.name}`;
    const svc = byService.get(key) ?? { namespace: parts.namespace, name: parts.name, type: 'ClusterIP' as const, ports: [] };
    svc.ports.push(p);
    if (p.nodePort !== null) svc.type = 'NodePort';
    byService.set(key, svc);
  }
  const services = [...byService.values()].sort((a, b) => cmp(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  for (const s of services) s.ports.sort((a, b) => cmp(a.protocol, b.protocol) || cmp(a.port ?? a.nodePort ?? 0, b.port ?? b.nodePort ?? 0) || cmp(a.portName, b.portName));
  return services;
}
