// Runs one ping with a unique payload pattern while the namespaces it can
// cross capture on `any` (path-namespaces.ts), then derives the path from
// what was captured.
import { randomBytes } from 'node:crypto';
import type { PacketPath } from '../../shared/path';
import type { Snapshot } from '../../shared/snapshot';
import type { CaptureSession } from '../capture/capture-session';
import { nodesWithAddress } from '../observe/snapshot-nodes';
import { derivePath } from './derive-path';
import { collectSightings, type NodeCapture } from './path-observations';

export interface ProbeNode {
  node: string;
  ifaces: NodeCapture['ifaces'];
}

export interface PathProbeDeps {
  lab: string;
  from: string;
  to: string;
  snapshot: Snapshot;
  /** The source's own address (pod eth0, host underlay), if known. */
  source: string | null;
  nodes: readonly ProbeNode[];
  vxlanPorts: readonly number[];
  /** Starts a capture on `any` in a node; resolves once it listens. */
  capture(node: string, filter: string): Promise<CaptureSession>;
  /** Pings once or twice with the given payload pattern (hex): whether replies came, and the address pinged. */
  ping(pattern: string): Promise<{ ok: boolean; destination: string }>;
}

/** Lets the last packets reach every capture before it stops. */
const SETTLE_MS = 150;

export function pathFilter(vxlanPorts: readonly number[]): string {
  return `icmp or (udp and (${[...new Set(vxlanPorts)].map((p) => `port ${p}`).join(' or ')}))`;
}

export async function probePath(deps: PathProbeDeps): Promise<PacketPath> {
  const filter = pathFilter(deps.vxlanPorts);
  const started = await Promise.allSettled(deps.nodes.map((n) => deps.capture(n.node, filter)));
  // A namespace that vanished since the snapshot (a learner deleted it) is simply not observed.
  const sessions = started.flatMap((s, i) => (s.status === 'fulfilled' ? [{ node: deps.nodes[i]!, session: s.value }] : []));
  try {
    if (sessions.length === 0) throw (started[0] as PromiseRejectedResult | undefined)?.reason ?? new Error('nothing to capture on');
    const pattern = randomBytes(8);
    const ping = await deps.ping(pattern.toString('hex'));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    await Promise.all(sessions.map((s) => s.session.stop()));
    const captures: NodeCapture[] = sessions.map(({ node, session }) => ({ node: node.node, ifaces: node.ifaces, ...session.records() }));
    const { sightings, errors } = collectSightings(captures, pattern, ping.destination, deps.vxlanPorts);
    return derivePath({
      lab: deps.lab,
      from: deps.from,
      to: deps.to,
      source: deps.source,
      destination: ping.destination,
      sourceNode: deps.from,
      destinationNodes: nodesWithAddress(deps.snapshot, ping.destination),
      ok: ping.ok,
      observed: sessions.map((s) => s.node.node),
      sightings,
      errors,
      snapshot: deps.snapshot,
    });
  } finally {
    await Promise.all(sessions.map((s) => s.session.stop().catch(() => undefined)));
  }
}
