// The output of observe-script.ts → a HostState.
import type { HostState, PodState } from '../../shared/snapshot';
import type { ObserveScope } from '../drivers/host-driver';
import { splitJsonValues } from './json-values';
import { parseFdb, parseLinks, parseNeighbours, parseRoutes } from './parse-iproute';
import { parseIptablesSave } from './parse-iptables-save';
import { splitSections } from './observe-script';
import { observedServices } from './observe-kube';
import { observedNetpol } from './observe-netpol';

function ipv4Of(ifaces: { name: string; addresses: { family: string; address: string }[] }[], dev: string): string | null {
  return ifaces.find((i) => i.name === dev)?.addresses.find((a) => a.family === 'inet')?.address ?? null;
}

export function parseObservation(output: string, host: { name: string; role: HostState['role'] }, scope: ObserveScope): HostState {
  const sections = splitSections(output);
  const [links, routes, neighs] = splitJsonValues(sections.get('host') ?? '');
  const interfaces = parseLinks(links);
  const vxlanDevices = new Set(interfaces.filter((i) => i.kind === 'vxlan').map((i) => i.name));
  const pods: PodState[] = [];
  for (const [name, text] of sections) {
    if (!name.startsWith('pod ')) continue;
    const [podLinks, podRoutes, podNeighs] = splitJsonValues(text);
    const podIfaces = parseLinks(podLinks);
    pods.push({
      name: name.slice(4),
      interfaces: podIfaces,
      routes: parseRoutes(podRoutes),
      neighbours: parseNeighbours(podNeighs),
      ip: ipv4Of(podIfaces, 'eth0'),
    });
  }
  pods.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const fdbValues = splitJsonValues(sections.get('fdb') ?? '');
  const iptables = parseIptablesSave(sections.get('iptables') ?? '');
  return {
    name: host.name,
    role: host.role,
    reachable: true,
    error: null,
    interfaces,
    routes: parseRoutes(routes),
    neighbours: parseNeighbours(neighs),
    fdb: parseFdb(fdbValues[0], vxlanDevices),
    iptables,
    underlayIp: ipv4Of(interfaces, scope.underlayDev),
    pods,
    services: observedServices(sections, scope.netnsPrefix),
    netpol: observedNetpol(sections, iptables.filter),
  };
}

export function unreachableHost(host: { name: string; role: HostState['role'] }, error: string): HostState {
  return {
    name: host.name,
    role: host.role,
    reachable: false,
    error,
    interfaces: [],
    routes: [],
    neighbours: [],
    fdb: [],
    iptables: { nat: [], filter: [] },
    underlayIp: null,
    pods: [],
  };
}
