// The Services as destinations for the Capture and Path pickers: every
// service port's ClusterIP:port and every `host:nodePort`, from the hosts'
// kube-proxy rules as observed. Each comes with a tcpdump filter that sees
// its connections both before kube-proxy's DNAT (to the virtual IP or the
// node port) and after it (to the endpoints), so one capture shows the
// translation.
import type { Snapshot } from '../../../shared/snapshot';
import { clusterServices, serviceTitle, type ClusterServicePort } from './cluster-services';

export interface ServiceDestination {
  /** `10.96.100.10:80/tcp` or `node2:30080/tcp`: unique among them. */
  key: string;
  kind: 'cluster-ip' | 'node-port';
  /** The Service, `namespace/name`, and its name as shown. */
  service: string;
  title: string;
  /** Where its packets are addressed: the ClusterIP, or the node's underlay address. */
  address: string;
  port: number;
  protocol: ClusterServicePort['protocol'];
  /** The node a node port is on (null for a ClusterIP). */
  host: string | null;
  label: string;
  /** tcpdump: the connections to it before and after the DNAT. */
  filter: string;
}

/** The capture form's filter is at most this long (the contract's bound). */
export const MAX_FILTER = 1000;

const portMatch = (protocol: ClusterServicePort['protocol'], port: number) => (protocol === 'sctp' ? `sctp and port ${port}` : `${protocol} port ${port}`);

/** `(host VIP and tcp port 80) or (host EP and tcp port 8080) …`, the endpoints left out if it would be too long. */
export function dnatFilter(address: string, port: number, p: ClusterServicePort): string {
  const before = `(host ${address} and ${portMatch(p.protocol, port)})`;
  const endpoints = p.hosts.flatMap((h) => h.port?.endpoints ?? []);
  const after = [...new Map(endpoints.map((e) => [`${e.ip}:${e.port}`, e])).values()].map((e) => `(host ${e.ip} and ${portMatch(p.protocol, e.port)})`);
  const full = [before, ...after].join(' or ');
  return full.length <= MAX_FILTER ? full : before;
}

/** Every ClusterIP:port, then every node port on every host that has kube-proxy's rules. */
export function serviceDestinations(s: Snapshot): ServiceDestination[] {
  const services = clusterServices(s) ?? [];
  const out: ServiceDestination[] = [];
  for (const svc of services) {
    for (const p of svc.ports) {
      if (p.clusterIP === null || p.port === null) continue;
      out.push({
        key: `${p.clusterIP}:${p.port}/${p.protocol}`,
        kind: 'cluster-ip',
        service: svc.key,
        title: serviceTitle(svc),
        address: p.clusterIP,
        port: p.port,
        protocol: p.protocol,
        host: null,
        label: `${serviceTitle(svc)} ${p.clusterIP}:${p.port}/${p.protocol} (ClusterIP)`,
        filter: dnatFilter(p.clusterIP, p.port, p),
      });
    }
  }
  for (const svc of services) {
    for (const p of svc.ports) {
      if (p.nodePort === null) continue;
      for (const view of p.hosts) {
        const host = s.hosts.find((h) => h.name === view.host);
        if (!view.port || view.port.nodePort === null || !host?.underlayIp) continue;
        out.push({
          key: `${view.host}:${p.nodePort}/${p.protocol}`,
          kind: 'node-port',
          service: svc.key,
          title: serviceTitle(svc),
          address: host.underlayIp,
          port: p.nodePort,
          protocol: p.protocol,
          host: view.host,
          label: `${serviceTitle(svc)} ${view.host}:${p.nodePort}/${p.protocol} (NodePort, ${host.underlayIp})`,
          filter: dnatFilter(host.underlayIp, p.nodePort, p),
        });
      }
    }
  }
  return out;
}

/** A Path destination (the trace pings it): each ClusterIP once. */
export interface ServicePathDestination {
  target: string;
  label: string;
  address: string;
}

/**
 * The ClusterIPs as Path destinations. A ping carries no port and kube-proxy
 * matches ports only, so the trace shows the echo request going where the
 * routes send an address nobody holds (the reason the Path panel gives).
 */
export function servicePathDestinations(s: Snapshot): ServicePathDestination[] {
  const out = new Map<string, ServicePathDestination>();
  for (const d of serviceDestinations(s)) {
    if (d.kind !== 'cluster-ip' || out.has(d.address)) continue;
    out.set(d.address, { target: d.address, label: `${d.title} ${d.address} (ClusterIP)`, address: d.address });
  }
  return [...out.values()];
}

/**
 * A capture of a Service's traffic, chosen on the diagram: a node port's on
 * its node; a ClusterIP's on the node of its first endpoint (where the
 * DNATed connections arrive). Any interface, the filter of its destination.
 */
export function serviceCapture(s: Snapshot, service: string, host?: string): { target: string; iface: string; filter: string } | null {
  const all = serviceDestinations(s).filter((d) => d.service === service);
  const nodePort = host ? all.find((d) => d.kind === 'node-port' && d.host === host) : undefined;
  if (nodePort) return { target: nodePort.host!, iface: 'any', filter: nodePort.filter };
  const vip = all.find((d) => d.kind === 'cluster-ip');
  if (!vip) return null;
  const svc = clusterServices(s)?.find((x) => x.key === service);
  const first = svc?.endpoints.find((e) => e.place)?.place;
  const target = first?.host ?? s.hosts.find((h) => h.services)?.name;
  return target ? { target, iface: 'any', filter: vip.filter } : null;
}
