// iproute2 JSON (`ip -j -d -s addr/route/neigh`, `bridge -j fdb`) → snapshot DTOs.
import type { FdbEntry, Iface, IfaceAddress, Neighbour, Route } from '../../shared/snapshot';

interface IpLink {
  ifindex: number;
  ifname: string;
  link_index?: number;
  link_netnsid?: number;
  link?: string;
  flags?: string[];
  mtu: number;
  operstate?: string;
  master?: string;
  link_type?: string;
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
  stats64?: { rx?: { bytes?: number; packets?: number; dropped?: number }; tx?: { bytes?: number; packets?: number; dropped?: number } };
}

function kindOf(l: IpLink): string {
  if (l.linkinfo?.info_kind) return l.linkinfo.info_kind;
  if (l.link_type === 'loopback') return 'loopback';
  return 'device';
}

export function parseLinks(json: unknown): Iface[] {
  if (!Array.isArray(json)) return [];
  return (json as IpLink[]).map((l) => {
    const info = l.linkinfo?.info_data ?? {};
    const kind = kindOf(l);
    const addresses: IfaceAddress[] = (l.addr_info ?? [])
      .filter((a) => a.family === 'inet' || a.family === 'inet6')
      .map((a) => ({ family: a.family as IfaceAddress['family'], address: a.local, prefixLen: a.prefixlen, ...(a.scope ? { scope: a.scope } : {}) }));
    const s = l.stats64;
    return {
      index: l.ifindex,
      name: l.ifname,
      kind,
      mac: l.address && l.link_type !== 'loopback' && l.link_type !== 'none' ? l.address : null,
      mtu: l.mtu,
      state: l.operstate ?? 'UNKNOWN',
      up: (l.flags ?? []).includes('UP'),
      addresses,
      master: l.master ?? null,
      peerIndex: kind === 'veth' ? (l.link_index ?? null) : null,
      peerNetnsId: kind === 'veth' ? (l.link_netnsid ?? null) : null,
      vxlan:
        kind === 'vxlan'
          ? {
              id: Number(info.id ?? 0),
              port: info.port === undefined ? null : Number(info.port),
              local: (info.local as string | undefined) ?? null,
              dev: (info.link as string | undefined) ?? l.link ?? null,
              learning: Boolean(info.learning),
            }
          : null,
      stats: s
        ? {
            rxPackets: s.rx?.packets ?? 0,
            txPackets: s.tx?.packets ?? 0,
            rxBytes: s.rx?.bytes ?? 0,
            txBytes: s.tx?.bytes ?? 0,
            rxDropped: s.rx?.dropped ?? 0,
            txDropped: s.tx?.dropped ?? 0,
          }
        : null,
    };
  });
}

export function parseRoutes(json: unknown): Route[] {
  if (!Array.isArray(json)) return [];
  return (json as Record<string, unknown>[]).map((r) => ({
    dst: String(r.dst ?? 'default'),
    gateway: (r.gateway as string | undefined) ?? null,
    dev: (r.dev as string | undefined) ?? null,
    protocol: (r.protocol as string | undefined) ?? null,
    scope: (r.scope as string | undefined) ?? null,
    prefsrc: (r.prefsrc as string | undefined) ?? null,
    flags: (r.flags as string[] | undefined) ?? [],
  }));
}

export function parseNeighbours(json: unknown): Neighbour[] {
  if (!Array.isArray(json)) return [];
  return (json as Record<string, unknown>[])
    .filter((n) => typeof n.dst === 'string' && !(n.dst as string).includes(':'))
    .map((n) => ({ dst: n.dst as string, dev: String(n.dev ?? ''), lladdr: (n.lladdr as string | undefined) ?? null, state: (n.state as string[] | undefined) ?? [] }));
}

const MULTICAST_MAC = /^(33:33|01:00:5e)/i;

/** fdb entries worth showing: every entry of a vxlan device, and learned (non-permanent) entries of bridges. */
export function parseFdb(json: unknown, vxlanDevices: ReadonlySet<string>): FdbEntry[] {
  if (!Array.isArray(json)) return [];
  return (json as Record<string, unknown>[])
    .filter((f) => {
      const mac = String(f.mac ?? '');
      if (MULTICAST_MAC.test(mac)) return false;
      if (vxlanDevices.has(String(f.ifname ?? ''))) return true;
      return f.state !== 'permanent' && !(f.flags as string[] | undefined)?.includes('self');
    })
    .map((f) => ({
      mac: String(f.mac),
      dev: String(f.ifname ?? ''),
      dst: (f.dst as string | undefined) ?? null,
      master: (f.master as string | undefined) ?? null,
      flags: (f.flags as string[] | undefined) ?? [],
      state: (f.state as string | undefined) ?? null,
    }));
}
