// `podnet path`: read the source's host and the destination's (every host
// only when those two do not tell where the packet goes), work out the
// namespaces the ping can cross (path-namespaces.ts), capture there while
// one ping runs, and derive its path from what was captured (probe-path.ts).
import type { PacketPath } from '../../shared/path';
import type { HostState, Snapshot } from '../../shared/snapshot';
import type { CaptureSession } from '../capture/capture-session';
import { ERROR_CODES } from '../../shared/errors';
import { PodnetError } from '../errors';
import { isIpv4 } from '../ipam/cidr';
import { findNode } from '../observe/snapshot-nodes';
import { INTERNET_NODE } from '../plan/internet-node';
import type { LabSpec } from '../spec/lab-spec';
import { formatTarget, parseTarget, targetAddress, type Target } from '../targets';
import { pathNamespaces, UNDERLAY_NODE, type PathQuery } from './path-namespaces';
import { probePath, type PathProbeDeps, type ProbeNode } from './probe-path';

export interface PacketPathDeps {
  lab: string;
  from: Target;
  /** As the user wrote it: a target (`host2/b`, `internet`) or an address; checked against the lab already. */
  to: string;
  spec: LabSpec | null;
  vxlanPorts: readonly number[];
  /** Reads these hosts (each its own namespace and its pods'), in parallel. */
  observeHosts(hosts: readonly { name: string; role: HostState['role'] }[]): Promise<HostState[]>;
  /** Reads every host of the lab. */
  observeLab(): Promise<Snapshot>;
  /** The underlay switch's interfaces; null when the lab has no switch to capture on (real machines). */
  underlayIfaces(): Promise<ProbeNode['ifaces'] | null>;
  /** Starts a capture on `any` in a node (`host1`, `host1/a`, `underlay`); resolves once it listens. */
  capture(node: string, filter: string): Promise<CaptureSession>;
  /** Pings `destination` (an address) from the source, with the payload pattern. */
  ping: (destination: string, pattern: string) => ReturnType<PathProbeDeps['ping']>;
}

const roleOf = (host: string): HostState['role'] => (host === INTERNET_NODE ? 'internet' : 'host');

function snapshotOf(lab: string, states: readonly HostState[]): Snapshot {
  return { name: lab, revision: 1, takenAt: new Date().toISOString(), hosts: states.filter((h) => h.role === 'host'), internet: states.find((h) => h.role === 'internet') ?? null };
}

export async function tracePacketPath(d: PacketPathDeps): Promise<PacketPath> {
  const from = formatTarget(d.from);
  const dest = isIpv4(d.to) ? null : parseTarget(d.to);
  const first = [...new Set([d.from.host, ...(dest ? [dest.host] : [])])];
  const [states, underlay] = await Promise.all([d.observeHosts(first.map((name) => ({ name, role: roleOf(name) }))), d.underlayIfaces()]);
  const sourceHost = states.find((s) => s.name === d.from.host);
  if (!sourceHost?.reachable) {
    throw new PodnetError(ERROR_CODES.HOST_DOWN, `cannot read ${d.from.host}: ${sourceHost?.error ?? 'no answer'}`, { hint: `see what is wrong: podnet ls; bring it back: podnet repair ${d.lab}` });
  }
  const destination = dest ? targetAddress(d.lab, dest, states.find((s) => s.name === dest.host) ?? null, d.spec) : d.to;
  let snapshot = snapshotOf(d.lab, states);
  const sourceNode = findNode(snapshot, from);
  if (!sourceNode) throw new PodnetError(ERROR_CODES.TARGET, `${from} is not there now (its network namespace is gone)`, { hint: `look at it: podnet inspect ${d.lab}; bring it back: podnet repair ${d.lab}` });
  const source = sourceNode.pod ? sourceNode.pod.ip : sourceNode.host.underlayIp;
  const query: PathQuery = { from, destination, source, underlaySwitch: underlay !== null };
  let expected = pathNamespaces(snapshot, { ...query, partial: true });
  if (expected.incomplete) {
    snapshot = await d.observeLab();
    expected = pathNamespaces(snapshot, query);
  }
  const nodes: ProbeNode[] = expected.namespaces.map((n) => ({ node: n.node, ifaces: n.node === UNDERLAY_NODE ? underlay! : (findNode(snapshot, n.node)?.netns.interfaces ?? []) }));
  return probePath({
    lab: d.lab,
    from,
    to: d.to,
    snapshot,
    source,
    nodes,
    vxlanPorts: d.vxlanPorts,
    capture: d.capture,
    ping: (pattern) => d.ping(destination, pattern),
  });
}
