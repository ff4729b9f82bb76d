// What checking a lab file needs to know about the driver it names — and
// nothing more: the spec stays free of drivers (each driver declares these
// in its definition, drivers/driver-definition.ts).
import type { DriverKind } from '../../shared/lab';

export interface DriverTraits {
  kind: DriverKind;
  /** The driver makes the lab's underlay: Podnet picks its subnet (and an internet node can be on it). */
  ownsUnderlay: boolean;
  /** Hosts are machines the lab file names (`hosts[].ssh`), one host per machine. */
  hostsAreMachines: boolean;
  /** A lab can run on another machine's engine (`engine:`). */
  remoteEngines: boolean;
  /** The Kubernetes layer (Services, cluster DNS, hostPort) can run on its hosts. */
  kubernetes: boolean;
  /** How the driver names a link the lab creates on a host (an interface name: at most 15 characters). */
  linkName(base: string): string;
}

export interface DriverRules {
  traits(kind: DriverKind): DriverTraits;
  /** Which drivers have a trait (for messages: "`engine` applies to the docker driver only"). */
  kindsWith(trait: 'hostsAreMachines' | 'remoteEngines' | 'kubernetes'): DriverKind[];
}

