// What the details panel shows for a selection, read from the current
// snapshot: facts, tables (interfaces, routes, neighbours, fdb) and rules.
import { podNoun } from '../pod-noun';
import { isolationDirections, podIsolation } from '../pod-isolation';
import type { FdbEntry, HostState, Iface, Neighbour, Route, Snapshot } from '../../../../shared/snapshot';
import { publishedPorts } from '../published-ports';
import type { Selection } from '../selection';
import { internetAddress, underlayIface, underlaySubnet } from '../topology-graph';
import { gatewayRoutes, underlayOwners, vxlanTunnels } from '../tunnels';
import { serviceDetails } from './service-details';

export interface Table {
  caption: string;
  columns: string[];
  rows: string[][];
  /** Cells wrap (long chain names) instead of the table scrolling sideways. */
  wrap?: boolean;
}

export interface RuleList {
  caption: string;
  lines: string[];
}

export interface DetailsModel {
  title: string;
  subtitle: string;
  facts: [string, string][];
  tables: Table[];
  rules: RuleList[];
  /** Target for "Open terminal" (host, host/pod, internet), if any. */
  terminal: string | null;
  /** What differs host by host (a Service's rules): the hosts to choose from, and the one shown. */
  hosts?: { choices: string[]; shown: string } | null;
}

export interface DetailsOptions {
  /** For what differs host by host (a Service): the host whose state to show. */
  host?: string | null;
}

const addrs = (i: Iface) => i.addresses.map((a) => `${a.address}/${a.prefixLen}`).join(', ');

export const interfacesTable = (ifaces: Iface[]): Table => ({
  caption: 'Interfaces',
  columns: ['name', 'kind', 'addresses', 'MAC', 'MTU', 'state', 'master'],
  rows: ifaces.map((i) => [i.name, i.vxlan ? `vxlan ${i.vxlan.id}` : i.kind, addrs(i), i.mac ?? '', String(i.mtu), i.state, i.master ?? '']),
});

export const routesTable = (routes: Route[], caption = 'Routes'): Table => ({
  caption,
  columns: ['destination', 'via', 'dev', 'details'],
  rows: routes.map((r) => [r.dst, r.gateway ?? '', r.dev ?? '', [r.protocol && `proto ${r.protocol}`, r.scope && `scope ${r.scope}`, r.prefsrc && `src ${r.prefsrc}`, ...r.flags].filter(Boolean).join(' ')]),
});

export const neighboursTable = (n: Neighbour[]): Table => ({
  caption: 'Neighbours',
  columns: ['address', 'MAC', 'dev', 'state'],
  rows: n.map((x) => [x.dst, x.lladdr ?? '', x.dev, x.state.join(' ')]),
});

export const fdbTable = (f: FdbEntry[]): Table => ({
  caption: 'Forwarding database (bridge fdb)',
  columns: ['MAC', 'dev', 'dst', 'master', 'flags'],
  rows: f.map((x) => [x.mac, x.dev, x.dst ?? '', x.master ?? '', [...x.flags, x.state ?? ''].filter(Boolean).join(' ')]),
});

const rulesOf = (h: HostState): RuleList[] => [
  { caption: 'iptables -t nat', lines: h.iptables.nat },
  { caption: 'iptables -t filter', lines: h.iptables.filter },
];

function hostDetails(s: Snapshot, h: HostState): DetailsModel {
  return {
    title: h.name,
    subtitle: h.role === 'internet' ? 'internet node' : 'host',
    facts: [
      ['underlay address', h.underlayIp ?? '—'],
      [`${podNoun(h)}s`, String(h.pods.length)],
      ...(h.reachable ? [] : ([['unreachable', h.error ?? 'yes']] as [string, string][])),
    ],
    tables: [interfacesTable(h.interfaces), routesTable(h.routes), neighboursTable(h.neighbours), fdbTable(h.fdb)],
    rules: rulesOf(h),
    terminal: h.role === 'internet' ? 'internet' : h.name,
  };
}

function ifaceDetails(h: HostState, i: Iface): DetailsModel {
  const facts: [string, string][] = [
    ['kind', i.kind],
    ['addresses', addrs(i) || '—'],
    ['MAC', i.mac ?? '—'],
    ['MTU', String(i.mtu)],
    ['state', `${i.state}${i.up ? '' : ' (admin down)'}`],
  ];
  if (i.master) facts.push(['master', i.master]);
  if (i.vxlan) facts.push(['VNI', String(i.vxlan.id)], ['UDP port', String(i.vxlan.port ?? '—')], ['local', i.vxlan.local ?? '—'], ['dev', i.vxlan.dev ?? '—'], ['learning', i.vxlan.learning ? 'on' : 'off']);
  if (i.stats) facts.push(['rx / tx packets', `${i.stats.rxPackets} / ${i.stats.txPackets}`], ['rx / tx dropped', `${i.stats.rxDropped} / ${i.stats.txDropped}`]);
  const routes = h.routes.filter((r) => r.dev === i.name);
  const members = h.interfaces.filter((x) => x.master === i.name);
  return {
    title: i.name,
    subtitle: `interface on ${h.name}`,
    facts,
    tables: [
      ...(members.length ? [interfacesTable(members)] : []),
      routesTable(routes, 'Routes through it'),
      neighboursTable(h.neighbours.filter((n) => n.dev === i.name)),
      fdbTable(h.fdb.filter((f) => f.dev === i.name || f.master === i.name)),
    ],
    rules: [],
    terminal: h.name,
  };
}

function tunnelDetails(s: Snapshot, h: HostState, sel: Extract<Selection, { kind: 'tunnel' }>): DetailsModel | null {
  const t = vxlanTunnels(h, underlayOwners([...s.hosts, ...(s.internet ? [s.internet] : [])])).find((x) => x.dev === sel.dev && x.mac === sel.mac && x.dst === sel.dst);
  if (!t) return null;
  return {
    title: `${h.name} → ${t.peer ?? t.dst}`,
    subtitle: `VXLAN tunnel on ${t.dev}`,
    facts: [
      ['VNI', String(t.vni ?? '—')],
      ['remote VTEP', t.dst],
      ['remote MAC', t.mac],
      ['routes into it', t.routes.join(', ') || 'none — packets for the peer\u2019s pods have no way in'],
    ],
    tables: [
      fdbTable(h.fdb.filter((f) => f.dev === t.dev && f.mac === t.mac)),
      neighboursTable(h.neighbours.filter((n) => n.dev === t.dev && n.lladdr === t.mac)),
      routesTable(h.routes.filter((r) => r.dev === t.dev)),
    ],
    rules: [],
    terminal: h.name,
  };
}

export function detailsFor(s: Snapshot, sel: Selection, options: DetailsOptions = {}): DetailsModel | null {
  if (sel.kind === 'service') return serviceDetails(s, sel.service, options.host ?? sel.host);
  if (sel.kind === 'underlay') {
    return {
      title: 'underlay',
      subtitle: 'the network between the hosts (one L2 segment)',
      facts: [['subnet', underlaySubnet(s) ?? '—'], ...s.hosts.map((h): [string, string] => [h.name, `${h.underlayIp ?? '—'} on ${underlayIface(h)?.name ?? '?'}`]), ...(s.internet ? [['internet', s.internet.underlayIp ?? '—'] as [string, string]] : [])],
      tables: [],
      rules: [],
      terminal: null,
    };
  }
  if (sel.kind === 'internet') {
    if (!s.internet) return null;
    const d = hostDetails(s, s.internet);
    return { ...d, title: 'internet', facts: [['public address', internetAddress(s.internet) ?? '—'], ...d.facts] };
  }
  const h = s.hosts.find((x) => x.name === sel.host);
  if (!h) return null;
  switch (sel.kind) {
    case 'host':
      return hostDetails(s, h);
    case 'pod': {
      const p = h.pods.find((x) => x.name === sel.pod);
      if (!p) return null;
      const isolated = podIsolation(h, p.ip);
      return {
        title: p.name,
        subtitle: `${podNoun(h)} on ${h.name}`,
        facts: [['address', p.ip ?? '—'], ...(isolated ? [['NetworkPolicy', `isolated for ${isolationDirections(isolated)} (kube-router chain ${isolated.chain})`] as [string, string]] : [])],
        tables: [interfacesTable(p.interfaces), routesTable(p.routes), neighboursTable(p.neighbours)],
        rules: isolated ? [{ caption: `its firewall chain ${isolated.chain} (iptables -t filter)`, lines: h.iptables.filter.filter((l) => l.startsWith(`-A ${isolated.chain} `)) }] : [],
        terminal: `${h.name}/${p.name}`,
      };
    }
    case 'iface': {
      const i = h.interfaces.find((x) => x.name === sel.iface);
      return i ? ifaceDetails(h, i) : null;
    }
    case 'tunnel':
      return tunnelDetails(s, h, sel);
    case 'route': {
      const g = gatewayRoutes(h, underlayOwners(s.hosts)).find((x) => x.gateway === sel.gateway);
      if (!g) return null;
      return {
        title: `${h.name} → ${g.peer}`,
        subtitle: 'host-gw routes (next hop: the peer\u2019s underlay address)',
        facts: [['gateway', g.gateway], ['routes', g.routes.join(', ')]],
        tables: [routesTable(h.routes.filter((r) => r.gateway === g.gateway))],
        rules: [],
        terminal: h.name,
      };
    }
    case 'port': {
      const p = publishedPorts(h.iptables.nat).find((x) => x.rule === sel.rule);
      if (!p) return null;
      return {
        title: `${p.protocol} ${h.underlayIp ?? h.name}:${p.port}`,
        subtitle: `published port on ${h.name}`,
        facts: [['forwards to', `${p.toAddress}${p.toPort ? `:${p.toPort}` : ''}`]],
        tables: [],
        rules: [{ caption: 'DNAT rule (nat table)', lines: [p.rule] }, ...rulesOf(h)],
        terminal: h.name,
      };
    }
  }
}
