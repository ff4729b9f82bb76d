// `podnet path` on a running lab: the packet path (packet-path.ts) given
// what it needs of the lab — its hosts read, the underlay switch where the
// driver makes one, captures, the ping that makes the packets, and each
// namespace the trace runs in.
import type { PacketPath, PathProtocol } from '../../shared/path';
import type { Snapshot } from '../../shared/snapshot';
import type { CaptureSession } from '../capture/capture-session';
import { vxlanPortsOf } from '../access/capture-target';
import { execIn, inTarget, spawnIn, type LabTarget } from '../access/lab-target';
import type { PingResult } from '../access/ping-target';
import { observeHost } from '../observe/observe-lab';
import { parseLinks } from '../observe/parse-iproute';
import { isAddress } from '../ping';
import { UNDERLAY_NODE } from '../spec/names';
import { checkTarget, parseTarget } from '../targets';
import type { TraceNamespace } from '../trace/trace-namespace';
import { shellQuote } from '../util/shell-quote';
import { tracePacketPath } from './packet-path';
import { parsePathRequest } from './path-request';

export interface LabPathDeps {
  /** What to send (default: a ping without a port, TCP with one; `to` may carry the port as `host2:8080`). */
  protocol?: PathProtocol;
  port?: number;
  /** Cancels the trace: its marks are removed. */
  signal?: AbortSignal;
  inspect(): Promise<Snapshot>;
  /** A capture on a node of the lab (the underlay switch is no target a learner names, but the path crosses it). */
  capture(node: string, filter: string): Promise<CaptureSession>;
  ping(destination: string, pattern: string): Promise<PingResult>;
}

/**
 * A node of the lab as the trace runs commands in it. A quick script (a route lookup) runs over the host's
 * warm channel, as observation does; the probe (cancellable, or with input) in a process of its own.
 */
export function traceNamespace(from: LabTarget, node: string): TraceNamespace {
  const t: LabTarget = { ...from, target: parseTarget(node) };
  return {
    node,
    exec: (argv, o) => (o?.signal || o?.stdin !== undefined ? execIn(t, argv, o) : t.driver.channel(t.lab, t.target.host).run(inTarget(t, argv).map(shellQuote).join(' '))),
    spawn: (argv, o) => spawnIn(t, argv, o),
  };
}

export function traceLabPath(from: LabTarget, toText: string, deps: LabPathDeps): Promise<PacketPath> {
  const { lab, driver, spec } = from;
  const { to, protocol, port } = parsePathRequest(toText, { protocol: deps.protocol, port: deps.port });
  if (!isAddress(to)) checkTarget(spec, lab, parseTarget(to));
  return tracePacketPath({
    lab,
    from: from.target,
    to,
    protocol,
    port,
    namespace: (node) => traceNamespace(from, node),
    ...(deps.signal ? { signal: deps.signal } : {}),
    spec,
    vxlanPorts: vxlanPortsOf(spec),
    observeHosts: (hosts) => Promise.all(hosts.map((h) => observeHost(driver, lab, h))),
    observeLab: () => deps.inspect(),
    underlayIfaces: async () => {
      if (!driver.capabilities.observesUnderlay) return null;
      const r = await driver.exec(lab, UNDERLAY_NODE, ['ip', '-j', '-d', 'link', 'show']).catch(() => null);
      return r?.code === 0 ? parseLinks(JSON.parse(r.stdout)) : null;
    },
    capture: (node, filter) => deps.capture(node, filter),
    ping: (destination, pattern) => deps.ping(destination, pattern),
  });
}
