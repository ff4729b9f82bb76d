// Snapshot → the network diagram's nodes and edges. Everything here comes
// from the OBSERVED state: interfaces, veth peers, fdb, neighbours, routes,
// nat rules and kube-proxy's Services as the kernel reported them.
import type { HostState, Iface, PodState, Snapshot } from '../../../shared/snapshot';
import { networkOf } from './cidr';
import { clusterServices, proxyHosts } from './cluster-services';
import { publishedPorts } from './published-ports';
import { serviceElements } from './service-graph';
import type { Selection } from './selection';
import { podIsolation } from './pod-isolation';
import { gatewayRoutes, underlayOwners, vxlanTunnels } from './tunnels';

export type NodeKind = 'underlay' | 'tap' | 'internet' | 'host' | 'iface' | 'pod' | 'port' | 'service' | 'nodeport';
/** Where a node sits inside its host box. */
export type NodeRow = 'uplink' | 'bridge' | 'pod' | 'none';

/** The point where a member's link meets the underlay bar. */
export const tapId = (member: string) => `tap:${member}`;

export interface GraphNode {
  id: string;
  kind: NodeKind;
  parent?: string;
  /** A node drawn on a host's edge without being inside it (a node-port badge): that host's id. */
  anchor?: string;
  label: string;
  row: NodeRow;
  classes: string[];
  sel: Selection;
}

export type EdgeKind = 'underlay-link' | 'veth' | 'tunnel' | 'route' | 'port' | 'endpoint';

export interface GraphEdge {
  id: string;
  kind: EdgeKind;
  source: string;
  target: string;
  label: string;
  classes: string[];
  sel: Selection | null;
}

export interface TopologyGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const hostId = (host: string) => `host:${host}`;
export const ifaceId = (host: string, iface: string) => `if:${host}:${iface}`;
export const podId = (host: string, pod: string) => `pod:${host}:${pod}`;
/** The edge from a pod to the host interface its veth is plugged into. */
export const vethId = (host: string, pod: string) => `veth:${host}:${pod}`;
/** The edge from a member of the underlay (a host's uplink, the internet node) to the bar. */
export const linkId = (member: string) => `link:${member}`;
export const UNDERLAY_ID = 'underlay';
/** More hosts than this: overlay links are drawn faint unless selected or broken. */
export const DENSE_HOSTS = 4;
export const INTERNET_ID = 'internet';

const ipv4 = (i: Iface) => i.addresses.filter((a) => a.family === 'inet');
const cidrs = (i: Iface) => ipv4(i).map((a) => `${a.address}/${a.prefixLen}`);

/** Interfaces worth a box: not loopback, not the host end of a veth already drawn as a pod's link. */
function shownInterfaces(h: HostState): Iface[] {
  return h.interfaces.filter((i) => i.kind !== 'loopback' && i.name !== 'lo' && !(i.kind === 'veth' && i.master));
}

export function underlayIface(h: HostState): Iface | null {
  return h.interfaces.find((i) => i.addresses.some((a) => a.address === h.underlayIp)) ?? null;
}

function ifaceLabel(i: Iface): string {
  const lines = [i.name];
  if (i.vxlan) lines.push(`VNI ${i.vxlan.id} · MTU ${i.mtu}`, i.mac ?? '');
  else if (i.kind === 'bridge') lines.push(`bridge · MTU ${i.mtu}`);
  lines.push(...cidrs(i));
  return lines.filter(Boolean).join('\n');
}


function stateClasses(i: Iface): string[] {
  const c = [i.kind === 'bridge' ? 'bridge' : i.vxlan ? 'vxlan' : 'nic'];
  if (!i.up || i.state === 'DOWN' || i.state === 'LOWERLAYERDOWN') c.push('down');
  return c;
}

/** The host interface a pod's eth0 is plugged into (its veth peer's master, or the peer itself). */
function podAttachment(h: HostState, pod: PodState): string | null {
  const eth = pod.interfaces.find((i) => i.kind === 'veth' && i.peerIndex !== null);
  if (!eth) return null;
  const peer = h.interfaces.find((i) => i.index === eth.peerIndex && i.kind === 'veth');
  if (!peer) return null;
  return peer.master ?? peer.name;
}

function addHost(g: TopologyGraph, h: HostState, owners: Map<string, string>): void {
  const hid = hostId(h.name);
  g.nodes.push({
    id: hid,
    kind: 'host',
    label: h.reachable ? `${h.name}  ${h.underlayIp ?? ''}` : `${h.name} (unreachable)`,
    row: 'none',
    classes: h.reachable ? ['host'] : ['host', 'unreachable'],
    sel: { kind: 'host', host: h.name },
  });
  const shown = new Set<string>();
  for (const i of shownInterfaces(h)) {
    shown.add(i.name);
    g.nodes.push({ id: ifaceId(h.name, i.name), kind: 'iface', parent: hid, label: ifaceLabel(i), row: i.kind === 'bridge' ? 'bridge' : 'uplink', classes: ['iface', ...stateClasses(i)], sel: { kind: 'iface', host: h.name, iface: i.name } });
  }
  const up = underlayIface(h);
  if (up) addTap(g, h.name, ifaceId(h.name, up.name), '', { kind: 'iface', host: h.name, iface: up.name });

  for (const pod of h.pods) {
    const pid = podId(h.name, pod.name);
    // A pod a NetworkPolicy isolates (kube-router's rules read back) is marked by its border
    // (its label stays two lines: the pod's shape holds no more); its details say in which directions.
    const isolated = podIsolation(h, pod.ip) !== null;
    const label = `${pod.name}\n${pod.ip ?? 'no address'}`;
    g.nodes.push({ id: pid, kind: 'pod', parent: hid, label, row: 'pod', classes: ['pod', ...(pod.ip ? [] : ['down']), ...(isolated ? ['isolated'] : [])], sel: { kind: 'pod', host: h.name, pod: pod.name } });
    const at = podAttachment(h, pod);
    if (at && shown.has(at)) g.edges.push({ id: vethId(h.name, pod.name), kind: 'veth', source: pid, target: ifaceId(h.name, at), label: '', classes: ['veth'], sel: { kind: 'pod', host: h.name, pod: pod.name } });
  }

  for (const [n, p] of publishedPorts(h.iptables.nat).entries()) {
    const id = `port:${h.name}:${n}`;
    g.nodes.push({ id, kind: 'port', parent: hid, label: `${p.protocol} :${p.port}\n→ ${p.toAddress}${p.toPort ? `:${p.toPort}` : ''}`, row: 'uplink', classes: ['port'], sel: { kind: 'port', host: h.name, rule: p.rule } });
    const target = h.pods.find((pod) => pod.ip === p.toAddress);
    if (target) g.edges.push({ id: `${id}:to`, kind: 'port', source: id, target: podId(h.name, target.name), label: '', classes: ['port-edge'], sel: { kind: 'port', host: h.name, rule: p.rule } });
  }

  for (const t of vxlanTunnels(h, owners)) {
    if (!t.peer) continue;
    g.edges.push({
      id: `tunnel:${h.name}:${t.dev}:${t.mac}:${t.dst}`,
      kind: 'tunnel',
      source: ifaceId(h.name, t.dev),
      target: `${PENDING_VXLAN}${t.peer}:${t.vni ?? ''}`,
      label: t.routes.length ? `${t.routes.join(', ')}` : 'no route',
      classes: t.routes.length ? ['tunnel'] : ['tunnel', 'broken'],
      sel: { kind: 'tunnel', host: h.name, dev: t.dev, mac: t.mac, dst: t.dst },
    });
  }

  for (const r of gatewayRoutes(h, owners)) {
    g.edges.push({
      id: `route:${h.name}:${r.gateway}`,
      kind: 'route',
      source: up ? ifaceId(h.name, up.name) : hid,
      target: `${PENDING_UPLINK}${r.peer}`,
      label: r.routes.join(', '),
      classes: ['route'],
      sel: { kind: 'route', host: h.name, gateway: r.gateway },
    });
  }
}

function addTap(g: TopologyGraph, member: string, source: string, label: string, sel: Selection): void {
  g.nodes.push({ id: tapId(member), kind: 'tap', label: '', row: 'none', classes: ['tap'], sel: { kind: 'underlay' } });
  g.edges.push({ id: linkId(member), kind: 'underlay-link', source, target: tapId(member), label, classes: ['underlay-link'], sel });
}

// Edges may point at hosts added later: resolved once every host is in.
const PENDING_UPLINK = 'pending-uplink:';
const PENDING_VXLAN = 'pending-vxlan:';

function resolvePending(g: TopologyGraph, hosts: readonly HostState[], internet: HostState | null): void {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const resolve = (target: string): string | null => {
    if (target.startsWith(PENDING_UPLINK)) {
      const name = target.slice(PENDING_UPLINK.length);
      if (internet && name === internet.name) return INTERNET_ID;
      const h = byName.get(name);
      const up = h && underlayIface(h);
      return h ? (up ? ifaceId(h.name, up.name) : hostId(h.name)) : null;
    }
    if (target.startsWith(PENDING_VXLAN)) {
      const [name, vni] = target.slice(PENDING_VXLAN.length).split(':');
      const h = byName.get(name!);
      if (!h) return null;
      const dev = h.interfaces.find((i) => i.vxlan && String(i.vxlan.id) === vni) ?? h.interfaces.find((i) => i.vxlan);
      return dev ? ifaceId(h.name, dev.name) : hostId(h.name);
    }
    return target;
  };
  g.edges = g.edges.flatMap((e) => {
    const target = resolve(e.target);
    return target ? [{ ...e, target }] : [];
  });
}

export function underlaySubnet(s: Snapshot): string | null {
  for (const h of s.hosts) {
    const a = underlayIface(h)?.addresses.find((x) => x.address === h.underlayIp);
    if (a) return networkOf(a.address, a.prefixLen);
  }
  return null;
}

/** The internet node's public address (not loopback, not its underlay address). */
export function internetAddress(internet: HostState): string | null {
  for (const i of internet.interfaces) for (const a of ipv4(i)) if (!a.address.startsWith('127.') && a.address !== internet.underlayIp) return a.address;
  return null;
}

export interface TopologyGraphOptions {
  /** Draw kube-proxy's Services (their virtual IPs, endpoints and node ports). Default true. */
  services?: boolean;
}

function addServices(g: TopologyGraph, s: Snapshot): void {
  const services = clusterServices(s);
  if (!services) return;
  const { nodes, edges } = serviceElements(
    services,
    proxyHosts(s).map((h) => h.name),
    { pod: podId, host: hostId },
  );
  g.nodes.push(...nodes);
  g.edges.push(...edges);
}

export function buildTopologyGraph(s: Snapshot, options: TopologyGraphOptions = {}): TopologyGraph {
  const g: TopologyGraph = { nodes: [], edges: [] };
  const subnet = underlaySubnet(s);
  g.nodes.push({ id: UNDERLAY_ID, kind: 'underlay', label: `underlay${subnet ? `  ${subnet}` : ''}`, row: 'none', classes: ['underlay'], sel: { kind: 'underlay' } });
  const owners = underlayOwners([...s.hosts, ...(s.internet ? [s.internet] : [])]);
  for (const h of s.hosts) addHost(g, h, owners);
  if (s.internet) {
    const addr = internetAddress(s.internet);
    g.nodes.push({ id: INTERNET_ID, kind: 'internet', label: `internet\n${addr ?? ''}`, row: 'none', classes: s.internet.reachable ? ['internet'] : ['internet', 'unreachable'], sel: { kind: 'internet' } });
    addTap(g, INTERNET_ID, INTERNET_ID, s.internet.underlayIp ?? '', { kind: 'internet' });
  }
  resolvePending(g, s.hosts, s.internet);
  if (options.services ?? true) addServices(g, s);
  // Beyond a few hosts a full mesh of tunnels hides everything else: draw
  // them faint (the selected host's in full, broken ones always in full).
  if (s.hosts.length > DENSE_HOSTS) for (const e of g.edges) if (e.kind === 'tunnel' || e.kind === 'route') e.classes.push('dense');
  return g;
}
