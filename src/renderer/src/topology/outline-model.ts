// The diagram as a list: every host with its interfaces, pods, tunnels,
// routes to peers and published ports, and the lab's Services — the
// keyboard's and the screen reader's way into the topology (and the text
// the end-to-end test reads).
import { clusterServices, percent, serviceTitle, type ClusterService } from './cluster-services';
import { podNoun } from './pod-noun';
import type { Snapshot } from '../../../shared/snapshot';
import { publishedPorts } from './published-ports';
import type { Selection } from './selection';
import { internetAddress, underlaySubnet } from './topology-graph';
import { gatewayRoutes, underlayOwners, vxlanTunnels } from './tunnels';

export interface OutlineItem {
  key: string;
  kind: 'iface' | 'pod' | 'tunnel' | 'route' | 'port' | 'service';
  text: string;
  detail: string;
  broken: boolean;
  sel: Selection;
  terminal: string | null;
}

export interface OutlineHost {
  name: string;
  address: string;
  reachable: boolean;
  sel: Selection;
  items: OutlineItem[];
}

export interface Outline {
  underlay: string | null;
  hosts: OutlineHost[];
  internet: string | null;
  /** null: no host has kube-proxy's rules (or the Services are not drawn). */
  services: OutlineItem[] | null;
}

function serviceItem(svc: ClusterService): OutlineItem {
  const vip = svc.ports.find((p) => p.clusterIP)?.clusterIP;
  const ports = [...new Set(svc.ports.map((p) => p.port).filter((n) => n !== null))].join(',');
  const nodePorts = [...new Set(svc.ports.map((p) => p.nodePort).filter((n) => n !== null))];
  const where = vip ? `${vip}:${ports}` : 'headless';
  const missing = svc.endpoints.filter((e) => e.missingOn.length > 0);
  // Where hosts disagree (a rule deleted on one), every share they give it.
  const shares = svc.endpoints
    .filter((e) => e.missingOn.length < e.hosts.length)
    .map((e) => `${e.ip} ${[...new Set(e.hosts.flatMap((h) => (h.endpoint ? [percent(h.endpoint.share)] : [])))].join('/')}`);
  const detail = [
    svc.kind === 'NodePort' ? `NodePort ${nodePorts.join(',')}` : svc.kind,
    shares.length ? `→ ${shares.join(', ')}` : 'no endpoints',
    ...missing.map((e) => `${e.ip} missing on ${e.missingOn.join(', ')}`),
  ].join(' · ');
  return { key: `svc:${svc.key}`, kind: 'service', text: `service ${serviceTitle(svc)} ${where}`, detail, broken: missing.length > 0 || shares.length === 0, sel: { kind: 'service', service: svc.key }, terminal: null };
}

export function buildOutline(s: Snapshot, options: { services?: boolean } = {}): Outline {
  const owners = underlayOwners([...s.hosts, ...(s.internet ? [s.internet] : [])]);
  const hosts = s.hosts.map((h): OutlineHost => {
    const items: OutlineItem[] = [];
    for (const i of h.interfaces) {
      if (i.name === 'lo' || (i.kind === 'veth' && i.master)) continue;
      const a = i.addresses.filter((x) => x.family === 'inet').map((x) => `${x.address}/${x.prefixLen}`);
      const extra = [i.vxlan ? `VNI ${i.vxlan.id}` : i.kind, `MTU ${i.mtu}`, i.vxlan ? i.mac : null].filter(Boolean).join(' · ');
      items.push({ key: `if:${i.name}`, kind: 'iface', text: `${i.name} ${a.join(', ')}`.trim(), detail: extra, broken: !i.up, sel: { kind: 'iface', host: h.name, iface: i.name }, terminal: null });
    }
    const noun = podNoun(h);
    for (const p of h.pods) {
      items.push({ key: `pod:${p.name}`, kind: 'pod', text: `${noun} ${p.name} ${p.ip ?? '(no address)'}`, detail: '', broken: !p.ip, sel: { kind: 'pod', host: h.name, pod: p.name }, terminal: `${h.name}/${p.name}` });
    }
    for (const t of vxlanTunnels(h, owners)) {
      items.push({
        key: `tunnel:${t.dev}:${t.mac}:${t.dst}`,
        kind: 'tunnel',
        text: `tunnel ${t.dev} → ${t.peer ?? t.dst}`,
        detail: t.routes.length ? `carries ${t.routes.join(', ')}` : 'no route',
        broken: t.routes.length === 0,
        sel: { kind: 'tunnel', host: h.name, dev: t.dev, mac: t.mac, dst: t.dst },
        terminal: null,
      });
    }
    for (const r of gatewayRoutes(h, owners)) {
      items.push({ key: `route:${r.gateway}`, kind: 'route', text: `route → ${r.peer} via ${r.gateway}`, detail: r.routes.join(', '), broken: false, sel: { kind: 'route', host: h.name, gateway: r.gateway }, terminal: null });
    }
    for (const p of publishedPorts(h.iptables.nat)) {
      items.push({ key: `port:${p.rule}`, kind: 'port', text: `port ${p.protocol} ${p.port} → ${p.toAddress}${p.toPort ? `:${p.toPort}` : ''}`, detail: 'DNAT', broken: false, sel: { kind: 'port', host: h.name, rule: p.rule }, terminal: null });
    }
    return { name: h.name, address: h.underlayIp ?? '—', reachable: h.reachable, sel: { kind: 'host', host: h.name }, items };
  });
  const services = (options.services ?? true) ? clusterServices(s) : null;
  return { underlay: underlaySubnet(s), hosts, internet: s.internet ? (internetAddress(s.internet) ?? '—') : null, services: services?.map(serviceItem) ?? null };
}
