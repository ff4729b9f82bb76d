// `podnet path` on a running lab: the packet path (packet-path.ts) given
// what it needs of the lab — its hosts read, the underlay switch where the
// driver makes one, captures, and the ping that makes the packets.
import type { PacketPath } from '../../shared/path';
import type { Snapshot } from '../../shared/snapshot';
import type { CaptureSession } from '../capture/capture-session';
import { vxlanPortsOf } from '../access/capture-target';
import type { LabTarget } from '../access/lab-target';
import type { PingResult } from '../access/ping-target';
import { observeHost } from '../observe/observe-lab';
import { parseLinks } from '../observe/parse-iproute';
import { isAddress } from '../ping';
import { UNDERLAY_NODE } from '../spec/names';
import { checkTarget, parseTarget } from '../targets';
import { tracePacketPath } from './packet-path';

export interface LabPathDeps {
  inspect(): Promise<Snapshot>;
  /** A capture on a node of the lab (the underlay switch is no target a learner names, but the path crosses it). */
  capture(node: string, filter: string): Promise<CaptureSession>;
  ping(destination: string, pattern: string): Promise<PingResult>;
}

export function traceLabPath(from: LabTarget, to: string, deps: LabPathDeps): Promise<PacketPath> {
  const { lab, driver, spec } = from;
  if (!isAddress(to)) checkTarget(spec, lab, parseTarget(to));
  return tracePacketPath({
    lab,
    from: from.target,
    to,
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
