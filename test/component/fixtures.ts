// Snapshots observed from real labs (`podnet inspect <lab> --json`), used
// as the renderer's input in component tests.
import type { Snapshot } from '../../src/shared/snapshot';
import flannelVxlan from '../fixtures/flannel-vxlan-snapshot.json';
import hostGw from '../fixtures/host-gw-snapshot.json';
import masquerade from '../fixtures/masquerade-snapshot.json';
import portPublish from '../fixtures/port-publish-snapshot.json';

const FIXTURES = { 'flannel-vxlan': flannelVxlan, 'host-gw': hostGw, masquerade, 'port-publish': portPublish };

export function observed(name: keyof typeof FIXTURES): Snapshot {
  return structuredClone(FIXTURES[name]) as unknown as Snapshot;
}

/** A host after `ip route del <dst>`, as the observer would report it. */
export function withoutRoute(s: Snapshot, host: string, dst: string): Snapshot {
  const copy = structuredClone(s);
  const h = copy.hosts.find((x) => x.name === host)!;
  h.routes = h.routes.filter((r) => r.dst !== dst);
  copy.revision++;
  return copy;
}
