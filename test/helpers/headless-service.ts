// A headless Service in the renderer's input (see withHeadlessDb).
import type { Snapshot } from '../../src/shared/snapshot';

/**
 * The headless `default/db` added to every host's Services in the shape the
 * renderer draws as headless (no port with a ClusterIP or a node port, the
 * endpoints as the DNS server's records would give them). kube-proxy writes
 * no rules for it, so nothing observes it yet: the wiring decides where it
 * comes from (see the report of the services-ui work).
 */
export function withHeadlessDb(s: Snapshot): Snapshot {
  const out = structuredClone(s);
  const db = out.hosts.flatMap((h) => h.pods).find((p) => p.name === 'db-1');
  if (!db?.ip) throw new Error('the snapshot has no pod db-1 with an address');
  for (const h of out.hosts) {
    if (!h.services) continue;
    h.services.services.push({
      namespace: 'default',
      name: 'db',
      type: 'ClusterIP',
      ports: [
        {
          servicePortName: 'default/db:pg',
          portName: 'pg',
          protocol: 'tcp',
          clusterIP: null,
          port: 5432,
          nodePort: null,
          endpoints: [{ ip: db.ip, port: 5432, probability: null, share: 1, chain: '' }],
          localEndpoints: null,
          externalTrafficPolicy: null,
          affinityTimeoutSeconds: null,
          noEndpoints: { clusterIP: null, nodePort: null },
          chains: [],
          rules: [],
        },
      ],
    });
  }
  return out;
}
