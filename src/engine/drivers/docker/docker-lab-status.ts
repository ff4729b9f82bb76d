// A Docker lab's summary and its one status, read from its containers'
// labels and states and its "built" marker: building (its builder runs),
// failed (its builder is gone and it was never finished), running, or
// degraded — with the broken part named.
import type Docker from 'dockerode';
import type { LabFault, LabHostSummary, LabSummary } from '../../../shared/lab';
import type { LabSpec } from '../../spec/lab-spec';
import { builderAlive, builderHere, builderPid } from '../builder';
import { switchPortName } from '../switch-port';
import { LABELS } from './docker-identity';

type Container = Docker.ContainerInfo;

export interface LabObjects {
  name: string;
  containers: Container[];
  /** The lab's "built" marker exists. */
  built: boolean;
}

/** Groups containers (and markers) by lab. */
export function labObjects(containers: Container[], builtLabs: ReadonlySet<string>): LabObjects[] {
  const names = [...new Set(containers.map((c) => c.Labels[LABELS.lab]!).filter(Boolean))].sort();
  return names.map((name) => ({ name, containers: containers.filter((c) => c.Labels[LABELS.lab] === name), built: builtLabs.has(name) }));
}

export function parseSpecLabel(label: string | undefined): LabSpec | null {
  if (!label) return null;
  try {
    return JSON.parse(label) as LabSpec;
  } catch {
    return null;
  }
}

const SWITCH_ROLE = 'switch';

export function switchOf(lab: LabObjects): Container | undefined {
  return lab.containers.find((c) => c.Labels[LABELS.role] === SWITCH_ROLE);
}

/** A lab built before builds were marked (no run label) is taken to be complete. */
function complete(lab: LabObjects): boolean {
  return lab.built || lab.containers.every((c) => !c.Labels[LABELS.run]);
}

function stateFault(part: string, state: string | undefined, what: string): LabFault | null {
  if (state === undefined) return { part, problem: 'missing', message: `${what} missing` };
  if (state === 'paused') return { part, problem: 'paused', message: `${what} paused` };
  if (state !== 'running') return { part, problem: 'stopped', message: `${what} stopped` };
  return null;
}

/**
 * The summary from labels and container states alone (no round trip to a host).
 * `unplugged`: hosts whose port on the switch is gone although they run —
 * restarted, their network state lost (see `unpluggedHosts`).
 */
export function summarize(lab: LabObjects, unplugged: readonly string[] = []): LabSummary {
  const sw = switchOf(lab);
  const spec = parseSpecLabel(sw?.Labels[LABELS.spec]);
  const byHost = new Map(lab.containers.filter((c) => c !== sw).map((c) => [c.Labels[LABELS.host] ?? '?', c] as const));
  const expected = spec ? [...spec.hosts.map((h) => h.name), ...(spec.internet ? ['internet'] : [])] : [...byHost.keys()];
  const hosts: LabHostSummary[] = [...new Set([...expected, ...byHost.keys()])]
    .filter((h) => byHost.has(h))
    .map((h) => {
      const c = byHost.get(h)!;
      return {
        name: h,
        role: c.Labels[LABELS.role] === 'internet' ? ('internet' as const) : ('host' as const),
        address: c.Labels[LABELS.address] ?? null,
        pods: spec?.hosts.find((x) => x.name === h)?.pods.map((p) => p.name) ?? [],
        running: c.State === 'running',
      };
    })
    .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name, undefined, { numeric: true }) : a.role === 'host' ? -1 : 1));

  const builder = (sw ?? lab.containers[0])?.Labels[LABELS.builder] ?? '';
  let faults: LabFault[] = [];
  let status: LabSummary['status'];
  if (!complete(lab)) {
    // A builder on another machine cannot be asked: its lab counts as being built.
    const building = !builder || !builderHere(builder) || builderAlive(builder);
    status = building ? 'building' : 'failed';
    if (!building) faults = [{ part: 'build', problem: 'unfinished', message: `its build${builderPid(builder) ? ` (pid ${builderPid(builder)})` : ''} ended before the lab was up` }];
  } else {
    const switchFault = stateFault('underlay', sw?.State, 'the underlay switch');
    if (switchFault) faults.push(switchFault);
    for (const h of expected) {
      const fault = stateFault(h, byHost.get(h)?.State, h);
      if (fault) faults.push(fault);
      else if (!switchFault && unplugged.includes(h)) faults.push({ part: h, problem: 'restarted', message: `${h} restarted (no eth0: its network state is gone)` });
    }
    if (!spec) faults.push({ part: 'underlay', problem: 'missing', message: 'the lab\'s description is gone (its switch was removed)' });
    status = faults.length > 0 ? 'degraded' : 'running';
  }
  return {
    name: lab.name,
    driver: 'docker',
    mode: spec?.network.mode ?? 'pod-cidr',
    backend: spec?.network.backend ?? 'none',
    status,
    faults,
    underlay: sw?.Labels[LABELS.underlay] ?? null,
    hosts,
    source: sw?.Labels[LABELS.source] || null,
    owner: (sw ?? lab.containers[0])?.Labels[LABELS.owner] ?? null,
  };
}

/**
 * Hosts that run but are no longer plugged into the switch: a host's eth0
 * is one end of a veth pair whose other end is its switch port, so when the
 * host's network namespace goes (the container restarted), the port goes too.
 * `ports`: the names of the links on the switch's bridge.
 */
export function unpluggedHosts(lab: LabObjects, ports: readonly string[]): string[] {
  const have = new Set(ports);
  return lab.containers
    .filter((c) => c.Labels[LABELS.role] !== SWITCH_ROLE && c.State === 'running')
    .map((c) => c.Labels[LABELS.host] ?? '')
    .filter((h) => h && !have.has(switchPortName(h)));
}
