// A lab's Kubernetes part, normalized (parse-kubernetes.ts fills every
// default): which pods are in which namespace with which labels and
// hostPorts, the Services, kube-proxy's mode and the cluster DNS. Types only.
import type { KubeNamespace, NetworkPolicy } from '../kube/network-policy';
import type { KubeServiceInput } from '../kube/service-types';
import type { FieldPath } from './field-path';
import type { ProxyMode } from './kubernetes-schema';

export interface KubeHostPort {
  port: number;
  containerPort: number;
  protocol: 'TCP' | 'UDP';
}

/** One pod of the lab as Kubernetes sees it. */
export interface KubePodSpec {
  host: string;
  pod: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  hostPort: KubeHostPort | null;
  /** Where the pod is in the lab file. */
  path: FieldPath;
}

export interface KubernetesSpec {
  /** Default 10.96.0.0/12: `default/kubernetes` would be .1, kube-dns is the 10th address. */
  serviceCidr: string;
  /** iptables (the default with `kubernetes:` or `services:`), nftables, or none (no kube-proxy rules). */
  proxyMode: ProxyMode;
  /** kube-system/kube-dns with a DNS server pod; pods get kubelet's resolv.conf. */
  dns: boolean;
  clusterDomain: string;
  /** The DNS server pod (dns: true): on the first host, in kube-system. */
  dnsPod: { host: string; pod: string } | null;
  /** Every pod of the lab, the DNS server pod included. */
  pods: KubePodSpec[];
  services: KubeServiceInput[];
  /** Namespaces declared with labels (`namespaces:`), for namespaceSelector; others exist with no labels but their name. */
  namespaces: KubeNamespace[];
  /** NetworkPolicies as the API server stores them after defaulting (kube/network-policy.ts), in file order. */
  networkPolicies: NetworkPolicy[];
}
