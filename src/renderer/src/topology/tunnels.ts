// Overlay links as the kernel holds them:
// - vxlan: a tunnel per fdb entry on a vxlan device with a remote `dst`; the
//   pod subnets it carries are the routes whose gateway's neighbour entry
//   has that fdb entry's MAC (flannel: neigh 10.2.3.0 → VtepMAC, fdb VtepMAC → PublicIP,
//   route 10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink).
// - host-gw: routes whose gateway is another host's underlay address.
import type { HostState } from '../../../shared/snapshot';

export interface VxlanTunnel {
  host: string;
  dev: string;
  vni: number | null;
  mac: string;
  /** Remote VTEP (underlay address). */
  dst: string;
  /** The host owning `dst`, when it is one of the lab's. */
  peer: string | null;
  /** Destinations routed into this tunnel (empty: nothing uses it). */
  routes: string[];
}

export interface GatewayRoute {
  host: string;
  gateway: string;
  peer: string;
  dev: string | null;
  routes: string[];
}

const ZERO_MAC = '00:00:00:00:00:00';

export function underlayOwners(hosts: readonly HostState[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const h of hosts) if (h.underlayIp) owners.set(h.underlayIp, h.name);
  return owners;
}

export function vxlanTunnels(host: HostState, owners: ReadonlyMap<string, string>): VxlanTunnel[] {
  const out: VxlanTunnel[] = [];
  for (const dev of host.interfaces.filter((i) => i.vxlan)) {
    for (const fdb of host.fdb) {
      if (fdb.dev !== dev.name || !fdb.dst) continue;
      // A zero-MAC entry floods everything to dst: every route on the device uses it.
      const gateways = new Set(host.neighbours.filter((n) => n.dev === dev.name && (fdb.mac === ZERO_MAC || n.lladdr === fdb.mac)).map((n) => n.dst));
      const routes = host.routes
        .filter((r) => r.dev === dev.name && (fdb.mac === ZERO_MAC || (r.gateway !== null && gateways.has(r.gateway))))
        .map((r) => r.dst);
      out.push({ host: host.name, dev: dev.name, vni: dev.vxlan?.id ?? null, mac: fdb.mac, dst: fdb.dst, peer: owners.get(fdb.dst) ?? null, routes });
    }
  }
  return out;
}

export function gatewayRoutes(host: HostState, owners: ReadonlyMap<string, string>): GatewayRoute[] {
  const byGateway = new Map<string, GatewayRoute>();
  for (const r of host.routes) {
    const peer = r.gateway ? owners.get(r.gateway) : undefined;
    if (!r.gateway || !peer || peer === host.name) continue;
    let g = byGateway.get(r.gateway);
    if (!g) byGateway.set(r.gateway, (g = { host: host.name, gateway: r.gateway, peer, dev: r.dev, routes: [] }));
    g.routes.push(r.dst);
  }
  return [...byGateway.values()];
}
