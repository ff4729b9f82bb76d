// `podnet path`: read the source's host and the destination's (every host
// only when those two do not tell where the packet goes), work out the
// namespaces the probe can cross (path-namespaces.ts), and there
//   - trace the probe's netfilter rules, conntrack NAT and route lookups
//     (traced-path.ts): why each hop went where it went, what stopped it;
//   - for a ping, also capture while it runs, and derive its hops from what
//     was captured (probe-path.ts); a TCP or UDP probe's hops come from its
//     trace (traced-legs.ts).
import type { PacketPath, PathProtocol, PathTrace } from '../../shared/path';
import type { HostState, Snapshot } from '../../shared/snapshot';
import type { CaptureSession } from '../capture/capture-session';
import { ERROR_CODES } from '../../shared/errors';
import { PodnetError, throwIfAborted } from '../errors';
import { isIpv4 } from '../ipam/cidr';
import { findNode } from '../observe/snapshot-nodes';
import { INTERNET_NODE } from '../plan/internet-node';
import type { LabSpec } from '../spec/lab-spec';
import { formatTarget, parseTarget, targetAddress, type Target } from '../targets';
import { newTraceFlow, describeFlow, type FlowRequest } from '../trace/trace-flow';
import type { TraceNamespace } from '../trace/trace-namespace';
import type { ProbeTrace } from '../trace/trace-probe';
import { pathNamespaces, UNDERLAY_NODE, type PathQuery } from './path-namespaces';
import { probePath, type PathProbeDeps, type ProbeNode } from './probe-path';
import { tracedLeg } from './traced-legs';
import { explainTrace, runTracedProbe, traceScope } from './traced-path';
import { serviceEndpoints, unionPaths } from './service-destinations';
import { legArrived, pathTrace } from './traced-why';
import { withNetpolStop } from './netpol-stop';

export interface PacketPathDeps {
  lab: string;
  from: Target;
  /** As the user wrote it, without the port: a target (`host2/b`, `internet`) or an address; checked against the lab already. */
  to: string;
  protocol: PathProtocol;
  /** tcp/udp: the destination port. */
  port: number | null;
  /** Runs commands in a node's namespace (`host1`, `host1/a`) for the trace. */
  namespace(node: string): TraceNamespace;
  signal?: AbortSignal;
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
  // A Service (ClusterIP:port, a node port): kube-proxy's DNAT sends it to one of its endpoints, any of which the path may take.
  const endpoints = serviceEndpoints(sourceNode.host, snapshot, destination, d.port, d.protocol);
  if (expected.incomplete || endpoints.length > 0) {
    snapshot = await d.observeLab();
    expected = pathNamespaces(snapshot, query);
    if (endpoints.length > 0) expected = unionPaths([expected, ...endpoints.map((ip) => pathNamespaces(snapshot, { ...query, destination: ip }))]);
  }
  const scope = traceScope(expected, (host) => findNode(snapshot, host)?.host.pods.map((p) => p.name) ?? []);
  const flowRequest: FlowRequest = { protocol: d.protocol, dst: destination, dstPort: d.port, src: source };
  const to = d.port != null ? `${d.to}:${d.port}` : d.to;
  const traceIn = (flow: ProbeTrace['flow']) => runTracedProbe({ flow, sourceNode: from, nodes: scope.nodes, namespace: d.namespace, ...(d.signal ? { signal: d.signal } : {}) });
  // A stop by kube-router's REJECT names the NetworkPolicy (the request leg: source → destination; the reply: back).
  const withNetpol = (why: PathTrace): PathTrace => {
    const leg = why.stop?.leg === 'reply' ? { src: destination, dst: source ?? '', port: null } : { src: source ?? '', dst: destination, port: d.port };
    return { ...why, stop: withNetpolStop(why.stop, snapshot, { protocol: d.protocol, ...leg }) };
  };
  const explain = async (trace: ProbeTrace) => {
    const explained = await explainTrace(trace, scope.order, d.namespace, d.signal);
    throwIfAborted(d.signal);
    return explained;
  };

  if (d.protocol !== 'icmp') {
    const trace = await traceIn(newTraceFlow(flowRequest));
    const { explained, errors } = await explain(trace);
    const arrived = { request: legArrived(explained, 'request'), reply: legArrived(explained, 'reply') };
    const why = withNetpol(pathTrace({ trace, explained, arrived, port: d.port, errors }));
    const stopOf = (leg: 'request' | 'reply') => (why.stop?.leg === leg ? why.stop.text : null);
    const reply = tracedLeg(snapshot, explained, 'reply', arrived.reply, stopOf('reply'));
    if (reply.hops.length === 0 && !arrived.request) reply.reason = 'no reply: the request never arrived';
    return {
      lab: d.lab,
      from,
      to,
      protocol: d.protocol,
      port: d.port,
      source,
      destination,
      ok: trace.probe.answered,
      request: tracedLeg(snapshot, explained, 'request', arrived.request, stopOf('request')),
      reply,
      observed: why.traced,
      trace: why,
    };
  }

  // A ping: captured and traced at once. Its payload pattern is the trace's marker too.
  let trace: ProbeTrace | null = null;
  let traceError: string | null = null;
  const flow = newTraceFlow(flowRequest);
  const nodes: ProbeNode[] = expected.namespaces.map((n) => ({ node: n.node, ifaces: n.node === UNDERLAY_NODE ? underlay! : (findNode(snapshot, n.node)?.netns.interfaces ?? []) }));
  const path = await probePath({
    lab: d.lab,
    from,
    to,
    snapshot,
    source,
    nodes,
    vxlanPorts: d.vxlanPorts,
    capture: d.capture,
    ping: async (pattern) => {
      try {
        trace = await traceIn({ ...flow, marker: { kind: 'icmp-payload', pattern } });
        return { ok: trace.probe.answered, destination };
      } catch (e) {
        // Cancelled: the marks are gone, and so is the path. A namespace without nft: the ping is still captured.
        if (d.signal?.aborted) throw e;
        traceError = e instanceof Error ? e.message : String(e);
        return d.ping(destination, pattern);
      }
    },
  });
  const done = trace as ProbeTrace | null;
  if (!done) {
    const why: PathTrace = { protocol: 'icmp', port: null, flow: describeFlow(flow), answered: path.ok, said: '', hops: [], stop: null, traced: [], cleanup: { verified: true, changes: [] }, errors: [traceError ?? 'not traced'] };
    return { ...path, trace: why };
  }
  const { explained, errors } = await explain(done);
  const why = withNetpol(pathTrace({ trace: done, explained, arrived: { request: path.request.reached, reply: path.reply.reached }, port: null, errors }));
  // What stopped it, named by the kernel, instead of a guess from the captures.
  const legs = { request: path.request, reply: path.reply };
  if (why.stop && !legs[why.stop.leg].reached) legs[why.stop.leg] = { ...legs[why.stop.leg], reason: why.stop.text };
  return { ...path, ...legs, trace: why };
}
