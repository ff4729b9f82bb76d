// A driver declares what it can do and how to make it; the registry
// (driver-registry.ts) makes each one when a lab first needs it. Nothing
// outside drivers/ names a driver: the engine asks for capabilities.
import type { DriverKind } from '../../shared/lab';
import type { PlanContext } from '../plan/plan-context';
import type { LabRegistry } from '../registry/lab-registry';
import type { DriverRules, DriverTraits } from '../spec/driver-traits';
import type { LabSpec } from '../spec/lab-spec';
import type { HostKeyPolicy } from './ssh/host-key-policy';
import type { KnownHosts } from './ssh/known-hosts';
import type { HostDriver } from './host-driver';
import type { ImageMethod } from './docker/node-image';
import type Docker from 'dockerode';

export interface DriverCapabilities {
  /**
   * The driver makes the lab's underlay (a switch of its own): Podnet picks a free subnet for it. Without
   * it the hosts are machines on their own network, whose addresses are found on them (`placement`).
   */
  ownsUnderlay: boolean;
  /** Hosts are machines the lab file names (`hosts[].ssh`) rather than made by the driver. */
  hostsAreMachines: boolean;
  /** Labs can run on another machine's engine (`engine:` in the lab file). */
  remoteEngines: boolean;
  /** Hosts run from an image the driver builds (`buildImage`, `podnet image build`). */
  buildsImage: boolean;
  /** `down <lab.yaml>` removes the lab from what the file names, also where this user's records do not know it (`destroySpec`). */
  destroysBySpec: boolean;
  /** The underlay is a node of the lab (UNDERLAY_NODE) that `exec` and captures can enter: a packet's path shows it. */
  observesUnderlay: boolean;
  /** Broken hosts of a complete lab are brought back in place (`revive`, `podnet repair`). */
  revives: boolean;
  /**
   * The Kubernetes layer (kube-proxy's and portmap's rules, cluster DNS) can run on its hosts: `down`
   * removes every rule file and table it makes (a machine's teardown must list them; not yet for ssh).
   */
  kubernetes: boolean;
}

/** The engine's options; each driver takes what concerns it. */
export interface DriverOptions {
  resourcesDir: string;
  /** This user's Podnet state (lab registry, known hosts). */
  stateDir: string;
  hostKeys: HostKeyPolicy;
  /** A client for the local Docker engine (tests); default: the local socket / DOCKER_HOST. */
  docker?: Docker;
  imageMethod?: ImageMethod;
  /** Where local labs keep their namespace files. */
  localRoot?: string;
}

/** What the registry hands a driver it makes. */
export interface DriverDeps {
  options: DriverOptions;
  /** This user's index of labs kept elsewhere than this machine (SSH machines, remote engines). */
  registry: LabRegistry;
  knownHosts: KnownHosts;
  /** Something to release when the engine is disposed (connections of clients the driver made). */
  onDispose(release: () => void): void;
}

export interface DriverDefinition {
  kind: DriverKind;
  capabilities: DriverCapabilities;
  /** How the plan is named where this driver's hosts run. */
  planContext: PlanContext;
  /** What checking a lab file needs to know about this driver. */
  traits: DriverTraits;
  /**
   * Its labs are kept by a service that may be away (a Docker engine): it is reached first (`preflight`,
   * which says clearly what is wrong) before its labs are listed or collected.
   */
  reachFirst: boolean;
  /** Can it run on this machine (the local driver: Linux only)? Labs are not looked for where it cannot. */
  available(): boolean;
  /** Which instance of the driver runs a lab (a remote engine's address), null for the default one. */
  instanceOf(spec: Pick<LabSpec, 'engine'>): string | null;
  /**
   * Is a lab of this name there, asked cheaply without making the driver (true/false), or null when
   * it cannot be asked that way (then the driver is made and its labs listed).
   */
  probe?(lab: string, deps: DriverDeps): Promise<boolean | null>;
  /** Makes the driver (the default instance for `instance` null). */
  create(deps: DriverDeps, instance: string | null): Promise<HostDriver>;
}

/** What checking a lab file needs to know about these drivers. */
export function driverRules(definitions: readonly DriverDefinition[]): DriverRules {
  const traits = (kind: DriverKind) => {
    const d = definitions.find((x) => x.kind === kind);
    if (!d) throw new Error(`unknown driver "${kind}"`);
    return d.traits;
  };
  return { traits, kindsWith: (trait) => definitions.filter((d) => d.traits[trait]).map((d) => d.kind) };
}
