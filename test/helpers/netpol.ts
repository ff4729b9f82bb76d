// Shared by the NetworkPolicy tests: a pod of the resolved model, and the
// issue's example policy (issue 13, "NetworkPolicy").
import type { KubePod } from '../../src/engine/kube/network-policy';

export const kubePod = (name: string, ip: string, labels: Record<string, string>, node = 'node1', namespace = 'default'): KubePod => ({ name, namespace, labels, ip, node });

export const WEB_FROM_CLIENT = {
  name: 'web-from-client',
  namespace: 'default',
  podSelector: { app: 'web' },
  policyTypes: ['Ingress'],
  ingress: [
    {
      from: [{ podSelector: { role: 'client' } }, { namespaceSelector: { team: 'shop' } }, { ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    },
  ],
};
