// The normalized lab: what the rest of the engine works with.
// Produced by parse-lab.ts from a lab file; every default filled in.
import type { Backend, DriverKind, NetworkMode } from '../../shared/lab';
import type { KubernetesSpec } from './kubernetes-spec';

export interface PodSpec {
  name: string;
  ip: string | null;
  serve: number | null;
}

export interface SshSpec {
  address: string;
  user: string;
  port: number;
  identityFile: string | null;
  iface: string | null;
}

export interface HostSpec {
  name: string;
  address: string | null;
  pods: PodSpec[];
  ssh: SshSpec | null;
}

export interface PublishSpec {
  host: string;
  port: number;
  to: string;
  toPort: number;
  protocol: 'tcp' | 'udp';
}

/** Which Docker Engine's iptables layout a lab reproduces (docs/networking.md): ≤27, 28.x or 29 (current). */
export type DockerRules = 27 | 28 | 29;
export const DOCKER_RULES: readonly DockerRules[] = [27, 28, 29];

export interface NetworkSpec {
  mode: NetworkMode;
  /** docker0: the bridge subnet every host uses; pod-cidr: the cluster network. */
  cidr: string;
  subnetLen: number;
  leases: Record<string, string>;
  backend: Backend;
  vxlan: { vni: number; port: number };
  masquerade: boolean;
  /** docker0 mode and publish: the Docker version whose iptables layout the lab reproduces. */
  dockerRules: DockerRules;
}

export interface LabSpec {
  name: string;
  description: string;
  driver: DriverKind;
  /** docker driver: a remote engine such as ssh://user@box (null = local socket). */
  engine: string | null;
  underlay: { subnet: string | null; mtu: number };
  hosts: HostSpec[];
  network: NetworkSpec;
  publish: PublishSpec[];
  internet: boolean;
  /** Pods' namespaces, labels and hostPorts, Services, kube-proxy and the cluster DNS (parse-kubernetes.ts); absent or null: none. */
  kubernetes?: KubernetesSpec | null;
}

export const DEFAULTS = {
  podCidr: '10.244.0.0/16',
  docker0Cidr: '172.17.0.0/16',
  subnetLen: 24,
  vni: 1,
  vxlanPort: 8472,
  /** The current Docker Engine's layout. */
  dockerRules: 29,
  underlayMtu: 1500,
  /** Pool the default underlay subnet is taken from: RFC 2544 benchmarking space, never routed on the internet. */
  underlayPool: '198.18.0.0/15',
  underlayLen: 24,
  /** The lab's "internet": a documentation address (RFC 5737 TEST-NET-3). */
  internetAddress: '203.0.113.10',
  internetNet: '203.0.113.0/24',
} as const;
