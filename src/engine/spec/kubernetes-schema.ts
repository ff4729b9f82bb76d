// The lab file's Kubernetes fields, as written: a pod's `namespace`, `labels`
// and `hostPort`, the top-level `kubernetes:` settings and `services:` (the
// README's lab-file section documents each). Shapes only: what a real
// apiserver would refuse (names, ranges, conflicts) is checked by the
// service model (kube/service-checks.ts, kube/service-model.ts) with the
// pods' addresses known.
import { z } from 'zod';

const port = z.int({ error: 'expected a port number (1..65535)' }).min(1, 'a port must be 1..65535').max(65535, 'a port must be 1..65535');
const protocol = z.enum(['TCP', 'UDP'], { error: 'protocol is TCP or UDP' });
const labels = z.record(z.string(), z.string({ error: 'a label value is a string (quote numbers and true/false)' }));

export const hostPortObject = z.strictObject({ port, containerPort: port, protocol: protocol.optional() });

/** The keys a pod gains for Kubernetes (spread into the pod object of lab-schema.ts). */
export const kubePodFields = {
  namespace: z.string({ error: 'expected a namespace name such as shop' }).optional(),
  labels: labels.optional(),
  hostPort: hostPortObject.optional(),
};

export const PROXY_MODES = ['iptables', 'nftables', 'none'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

export const kubernetesObject = z.strictObject({
  serviceCidr: z.string({ error: 'expected a CIDR such as 10.96.0.0/12' }).optional(),
  proxyMode: z.enum(PROXY_MODES, { error: 'proxyMode is iptables, nftables or none' }).optional(),
  dns: z.boolean({ error: 'dns is true or false' }).optional(),
  clusterDomain: z.string({ error: 'expected a domain such as cluster.local' }).optional(),
});

const servicePort = z.strictObject({
  name: z.string().optional(),
  port,
  targetPort: port.optional(),
  protocol: protocol.optional(),
  nodePort: z.int({ error: 'expected a port number (30000..32767)' }).optional(),
});

const sessionAffinityConfig = z.strictObject({
  clientIP: z.strictObject({ timeoutSeconds: z.int({ error: 'expected a number of seconds (1..86400)' }).optional() }).optional(),
});

export const serviceObject = z.strictObject({
  name: z.string({ error: 'every service needs a name' }),
  namespace: z.string().optional(),
  selector: labels.optional(),
  type: z.enum(['ClusterIP', 'NodePort', 'headless'], { error: 'type is ClusterIP, NodePort or headless' }).optional(),
  clusterIP: z.string({ error: 'expected an address such as 10.96.100.10, or None' }).optional(),
  ports: z.array(servicePort, { error: 'expected a list of ports, e.g. [{ port: 80, targetPort: 8080 }]' }).min(1, 'a service needs at least one port').max(100, 'at most 100 ports in a service'),
  externalTrafficPolicy: z.enum(['Cluster', 'Local'], { error: 'externalTrafficPolicy is Cluster or Local' }).optional(),
  sessionAffinity: z.enum(['None', 'ClientIP'], { error: 'sessionAffinity is None or ClientIP' }).optional(),
  sessionAffinityConfig: sessionAffinityConfig.optional(),
});

/** At most this many services in a lab (each is a few chains on every host). */
export const MAX_SERVICES = 1000;
/** At most this many NetworkPolicies in a lab (each is a chain and a few ipsets on every host). */
export const MAX_NETWORK_POLICIES = 200;
/** At most this many namespaces declared with labels. */
export const MAX_NAMESPACES = 100;

/** `namespaces: { shop: { labels: { team: shop } } }`: labels a namespaceSelector can pick. */
export const namespaceObject = z.strictObject({ labels: labels.optional() });

export const kubeLabFields = {
  kubernetes: kubernetesObject.optional(),
  services: z.array(serviceObject, { error: 'expected a list of services' }).max(MAX_SERVICES, `at most ${MAX_SERVICES} services`).optional(),
  namespaces: z
    .record(z.string(), namespaceObject, { error: 'expected namespaces by name, e.g. { shop: { labels: { team: shop } } }' })
    .refine((m) => Object.keys(m).length <= MAX_NAMESPACES, `at most ${MAX_NAMESPACES} namespaces`)
    .optional(),
  // Each policy is checked field by field as the API server checks it (kube/network-policy.ts checkPolicy), with its path.
  networkPolicies: z
    .array(z.unknown(), { error: 'expected a list of network policies' })
    .max(MAX_NETWORK_POLICIES, `at most ${MAX_NETWORK_POLICIES} network policies`)
    .optional(),
};

/** Keys per object for "did you mean" (schema-issues.ts names an object by its last key). */
export const KUBE_KNOWN_KEYS: Record<string, readonly string[]> = {
  kubernetes: Object.keys(kubernetesObject.shape),
  services: Object.keys(serviceObject.shape),
  ports: Object.keys(servicePort.shape),
  hostPort: Object.keys(hostPortObject.shape),
  sessionAffinityConfig: ['clientIP'],
  clientIP: ['timeoutSeconds'],
  namespace: Object.keys(namespaceObject.shape),
};
