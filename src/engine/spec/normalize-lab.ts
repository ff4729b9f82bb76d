// LabFile (as written) → LabSpec (every default filled in), remembering
// where each host and pod came from so later checks can point at it.
import type { LabFile } from './lab-schema';
import { DEFAULTS, type HostSpec, type LabSpec, type PodSpec } from './lab-spec';
import type { FieldPath } from './field-path';

export interface SpecOrigins {
  /** Path of each host's item (hosts[i]); for `hosts: N` the path of `hosts`. */
  hosts: FieldPath[];
  /** Path of each pod's item, per host. */
  pods: FieldPath[][];
}

type PodsField = NonNullable<LabFile['pods']>;

function expandPods(pods: PodsField | undefined, path: FieldPath): { pods: PodSpec[]; paths: FieldPath[] } {
  if (pods === undefined) return { pods: [], paths: [] };
  if (typeof pods === 'number') {
    return {
      pods: Array.from({ length: pods }, (_, i) => ({ name: `pod${i + 1}`, ip: null, serve: null })),
      paths: Array.from({ length: pods }, () => path),
    };
  }
  return {
    pods: pods.map((p) => (typeof p === 'string' ? { name: p, ip: null, serve: null } : { name: p.name, ip: p.ip ?? null, serve: p.serve ?? null })),
    paths: pods.map((_, j) => [...path, j]),
  };
}

export function normalizeLab(file: LabFile): { spec: LabSpec; origins: SpecOrigins } {
  const origins: SpecOrigins = { hosts: [], pods: [] };
  const hostItems = typeof file.hosts === 'number' ? Array.from({ length: file.hosts }, (_, i) => `host${i + 1}`) : file.hosts;
  const hosts: HostSpec[] = hostItems.map((item, i) => {
    const hostPath: FieldPath = typeof file.hosts === 'number' ? ['hosts'] : ['hosts', i];
    const own = typeof item === 'string' ? undefined : item.pods;
    const { pods, paths } = own !== undefined ? expandPods(own, [...hostPath, 'pods']) : expandPods(file.pods, ['pods']);
    origins.hosts.push(hostPath);
    origins.pods.push(paths);
    if (typeof item === 'string') return { name: item, address: null, pods, ssh: null };
    const ssh = item.ssh
      ? { address: item.ssh.address, user: item.ssh.user ?? 'root', port: item.ssh.port ?? 22, identityFile: item.ssh.identityFile ?? null, iface: item.ssh.iface ?? null }
      : null;
    return { name: item.name, address: item.address ?? null, pods, ssh };
  });

  const net = file.network ?? {};
  const mode = net.mode ?? 'pod-cidr';
  const spec: LabSpec = {
    name: file.name,
    description: file.description ?? '',
    driver: file.driver ?? 'docker',
    engine: file.engine ?? null,
    underlay: { subnet: file.underlay?.subnet ?? null, mtu: file.underlay?.mtu ?? DEFAULTS.underlayMtu },
    hosts,
    network: {
      mode,
      cidr: net.cidr ?? (mode === 'docker0' ? DEFAULTS.docker0Cidr : DEFAULTS.podCidr),
      subnetLen: net.subnetLen ?? DEFAULTS.subnetLen,
      leases: net.leases ?? {},
      backend: net.backend ?? (mode === 'docker0' ? 'none' : 'vxlan'),
      vxlan: { vni: net.vxlan?.vni ?? DEFAULTS.vni, port: net.vxlan?.port ?? DEFAULTS.vxlanPort },
      masquerade: net.masquerade ?? true,
      dockerRules: net.dockerRules ?? DEFAULTS.dockerRules,
    },
    publish: (file.publish ?? []).map((p) => ({ host: p.host, port: p.port, to: p.to, toPort: p.toPort ?? p.port, protocol: p.protocol ?? 'tcp' })),
    internet: file.internet ?? false,
  };
  return { spec, origins };
}
