// The Services every kubeadm cluster has before anyone declares one
// (docs/networking.md, "Cluster DNS and the pod's resolv.conf"; kubeadm
// addons/dns/manifests.go): `default/kubernetes` (port https 443 → the
// apiserver's 6443) and `kube-system/kube-dns` (dns 53/UDP, dns-tcp 53/TCP,
// metrics 9153/TCP, selector k8s-app=kube-dns, Deployment `coredns`).
import type { KubeServiceInput } from './service-types';

export const KUBE_DNS_LABELS: Readonly<Record<string, string>> = { 'k8s-app': 'kube-dns' };
export const KUBE_DNS_NAMESPACE = 'kube-system';
export const KUBE_DNS_NAME = 'kube-dns';

export const kubeDnsService = (clusterIP: string): KubeServiceInput => ({
  namespace: KUBE_DNS_NAMESPACE,
  name: KUBE_DNS_NAME,
  clusterIP,
  selector: KUBE_DNS_LABELS,
  ports: [
    { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
    { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
  ],
});

export const kubernetesService = (clusterIP: string, apiServerPort: number): KubeServiceInput => ({
  namespace: 'default',
  name: 'kubernetes',
  clusterIP,
  ports: [{ name: 'https', port: 443, targetPort: apiServerPort, protocol: 'TCP' }],
});
