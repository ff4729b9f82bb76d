// The lab's Kubernetes Services, from what every host's kube-proxy rules say
// (HostState.services, parsed back from the kernel): one entry per Service,
// with each host's own view kept beside the union, because hosts can differ
// — a KUBE-SEP rule deleted on one node takes that endpoint away there only,
// and with externalTrafficPolicy Local each node has its own local endpoints.
//
// A Service none of whose ports has a ClusterIP or a node port is drawn as
// headless (`clusterIP: None`): kube-proxy writes no rules for one, so it can
// only come from elsewhere (the cluster DNS server's records).
import type { ObservedEndpoint, ObservedService, ObservedServicePort } from '../../../shared/services';
import type { HostState, Snapshot } from '../../../shared/snapshot';

export type ServiceKind = 'ClusterIP' | 'NodePort' | 'headless';

/** Where an endpoint's address is in the lab. */
export type EndpointPlace = { kind: 'pod'; host: string; pod: string } | { kind: 'host'; host: string; iface: string } | null;

export interface HostPortView {
  host: string;
  /** This host's view of the port; null when its rules do not have it. */
  port: ObservedServicePort | null;
}

export interface ClusterServicePort {
  /** `default/web:http/tcp`: the ServicePortName and the protocol. */
  key: string;
  servicePortName: string;
  portName: string;
  protocol: ObservedServicePort['protocol'];
  clusterIP: string | null;
  port: number | null;
  nodePort: number | null;
  externalTrafficPolicy: ObservedServicePort['externalTrafficPolicy'];
  affinityTimeoutSeconds: number | null;
  /** Every host that has kube-proxy's rules, in the snapshot's order. */
  hosts: HostPortView[];
}

export interface EndpointHostView {
  host: string;
  /** The endpoint as this host's rules have it (null: not there). */
  endpoint: ObservedEndpoint | null;
}

export interface ClusterEndpoint {
  ip: string;
  /** Its target ports (one per service port that sends to it). */
  ports: number[];
  place: EndpointPlace;
  /** Per host with the Service, for the first service port that has this endpoint. */
  hosts: EndpointHostView[];
  /** Hosts with the Service whose rules do not send to this endpoint. */
  missingOn: string[];
}

export interface ClusterService {
  /** `namespace/name`. */
  key: string;
  namespace: string;
  name: string;
  kind: ServiceKind;
  mode: 'iptables' | 'nftables';
  ports: ClusterServicePort[];
  /** Every endpoint any host sends to, by address. */
  endpoints: ClusterEndpoint[];
  /** Hosts with kube-proxy's rules that have this Service / lack it altogether. */
  hostsWith: string[];
  missingOn: string[];
}

/** Hosts whose kube-proxy rules were read (kube-proxy on, host reachable). */
export function proxyHosts(s: Snapshot): HostState[] {
  return s.hosts.filter((h) => h.reachable && h.services);
}

export const serviceKey = (svc: Pick<ObservedService, 'namespace' | 'name'>) => `${svc.namespace}/${svc.name}`;
const portKey = (p: Pick<ObservedServicePort, 'servicePortName' | 'protocol'>) => `${p.servicePortName}/${p.protocol}`;

export function serviceKind(ports: readonly Pick<ObservedServicePort, 'clusterIP' | 'nodePort'>[]): ServiceKind {
  if (ports.some((p) => p.nodePort !== null)) return 'NodePort';
  return ports.some((p) => p.clusterIP !== null) ? 'ClusterIP' : 'headless';
}

/** Which pod, or which host, has this address. */
export function placeOf(s: Snapshot, ip: string): EndpointPlace {
  for (const h of s.hosts) {
    const pod = h.pods.find((p) => p.ip === ip);
    if (pod) return { kind: 'pod', host: h.name, pod: pod.name };
  }
  for (const h of s.hosts) {
    const i = h.interfaces.find((x) => x.addresses.some((a) => a.address === ip));
    if (i) return { kind: 'host', host: h.name, iface: i.name };
  }
  return null;
}

/** Beyond this many Services the drawing leaves them out until the Legend's switch asks for them (the outline lists them all). */
export const MANY_SERVICES = 12;

/** How many Services the hosts' rules hold (null: no host has kube-proxy's rules). */
export function countServices(s: Snapshot): number | null {
  const hosts = proxyHosts(s);
  return hosts.length ? new Set(hosts.flatMap((h) => h.services!.services.map(serviceKey))).size : null;
}

/** The lab's Services (null: no host has kube-proxy's rules, or none could be read). */
export function clusterServices(s: Snapshot): ClusterService[] | null {
  const hosts = proxyHosts(s);
  if (hosts.length === 0) return null;
  const keys: string[] = [];
  const byKey = new Map<string, { svc: ObservedService; host: string }[]>();
  for (const h of hosts) {
    for (const svc of h.services!.services) {
      const k = serviceKey(svc);
      if (!byKey.has(k)) keys.push(k);
      byKey.set(k, [...(byKey.get(k) ?? []), { svc, host: h.name }]);
    }
  }
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => mergeService(s, hosts, byKey.get(k)!));
}

function mergeService(s: Snapshot, hosts: readonly HostState[], views: readonly { svc: ObservedService; host: string }[]): ClusterService {
  const first = views[0]!.svc;
  const portOrder: string[] = [];
  const portByHost = new Map<string, Map<string, ObservedServicePort>>();
  for (const { svc, host } of views) {
    for (const p of svc.ports) {
      const k = portKey(p);
      if (!portByHost.has(k)) {
        portOrder.push(k);
        portByHost.set(k, new Map());
      }
      portByHost.get(k)!.set(host, p);
    }
  }
  const hostsWith = views.map((v) => v.host);
  const ports = portOrder.map((k): ClusterServicePort => {
    const on = portByHost.get(k)!;
    const any = [...on.values()];
    const pick = <T>(f: (p: ObservedServicePort) => T | null): T | null => any.map(f).find((v) => v !== null) ?? null;
    const p0 = any[0]!;
    return {
      key: k,
      servicePortName: p0.servicePortName,
      portName: p0.portName,
      protocol: p0.protocol,
      clusterIP: pick((p) => p.clusterIP),
      port: pick((p) => p.port),
      nodePort: pick((p) => p.nodePort),
      externalTrafficPolicy: pick((p) => p.externalTrafficPolicy),
      affinityTimeoutSeconds: pick((p) => p.affinityTimeoutSeconds),
      hosts: hosts.map((h) => ({ host: h.name, port: on.get(h.name) ?? null })),
    };
  });

  const endpoints: ClusterEndpoint[] = [];
  for (const e of ports.flatMap((p) => p.hosts.flatMap((h) => h.port?.endpoints ?? []))) {
    let ce = endpoints.find((x) => x.ip === e.ip);
    if (!ce) endpoints.push((ce = { ip: e.ip, ports: [], place: placeOf(s, e.ip), hosts: [], missingOn: [] }));
    if (!ce.ports.includes(e.port)) ce.ports.push(e.port);
  }
  for (const ce of endpoints) {
    // The first port that sends to it somewhere: its per-host view of this endpoint.
    const p = ports.find((x) => x.hosts.some((h) => h.port?.endpoints.some((e) => e.ip === ce.ip)))!;
    ce.hosts = hostsWith.map((host) => ({ host, endpoint: p.hosts.find((h) => h.host === host)?.port?.endpoints.find((e) => e.ip === ce.ip) ?? null }));
    ce.missingOn = ce.hosts.filter((h) => !h.endpoint).map((h) => h.host);
  }

  return {
    key: serviceKey(first),
    namespace: first.namespace,
    name: first.name,
    kind: serviceKind(ports),
    mode: hosts.find((h) => h.name === views[0]!.host)!.services!.mode,
    ports,
    endpoints,
    hostsWith,
    missingOn: hosts.map((h) => h.name).filter((h) => !hostsWith.includes(h)),
  };
}

/** `default/web` for display: the namespace only when it is not `default`. */
export const serviceTitle = (svc: Pick<ClusterService, 'namespace' | 'name'>) => (svc.namespace === 'default' ? svc.name : `${svc.namespace}/${svc.name}`);

/** A share of new connections as a percentage (33%, 100%, 0.5%). */
export function percent(share: number): string {
  const pct = share * 100;
  if (pct === 0) return '0%';
  if (pct < 1) return `${pct.toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

/** The rule's own probability as a short figure: 0.3333, 0.5; `rest` for the last rule (no --probability). */
export function probabilityText(p: number | null): string {
  if (p === null) return 'rest';
  return String(Number(p.toFixed(4)));
}
