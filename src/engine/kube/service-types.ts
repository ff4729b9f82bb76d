// What a lab declares about Kubernetes Services (the input of the service
// model) and what the model resolves it to (the input of kube-proxy's rules,
// the cluster DNS and the hostPort chains). Types only.
import type { FieldPath } from '../spec/field-path';
import type { SpecIssue } from '../spec/spec-issue';

export type ServiceProtocol = 'TCP' | 'UDP';
/** `headless` is a Service with `clusterIP: None`. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'headless';
export type TrafficPolicy = 'Cluster' | 'Local';
export type SessionAffinity = 'None' | 'ClientIP';

export interface KubePodInput {
  name: string;
  /** Default `default`. */
  namespace?: string;
  labels?: Readonly<Record<string, string>>;
  ip: string;
  /** The host (node) the pod runs on. */
  node: string;
  /** The port its responder listens on, if any. */
  serve?: number | null;
  /** Default true: lab pods are up once the lab is. */
  ready?: boolean;
  /** Where the pod is in the lab file (for issues). */
  path?: FieldPath;
}

export interface KubeServicePortInput {
  /** Required when a Service has more than one port. */
  name?: string;
  port: number;
  /** Default: `port`. By number (named container ports do not exist in a lab). */
  targetPort?: number;
  /** Default TCP. */
  protocol?: ServiceProtocol;
  /** NodePort Services: fixed, or allocated from 30000–32767. */
  nodePort?: number;
}

export interface KubeServiceInput {
  name: string;
  /** Default `default`. */
  namespace?: string;
  /** Default ClusterIP. */
  type?: ServiceType;
  /** Fixed ClusterIP, else allocated from the service CIDR. */
  clusterIP?: string;
  /** Pods with all these labels (in the Service's namespace) are its endpoints. */
  selector?: Readonly<Record<string, string>>;
  ports: readonly KubeServicePortInput[];
  /** NodePort Services only; default Cluster. */
  externalTrafficPolicy?: TrafficPolicy;
  /** Default None. */
  sessionAffinity?: SessionAffinity;
  /** ClientIP affinity: 1–86400, default 10800. */
  sessionAffinityTimeoutSeconds?: number;
  /** Where the Service is in the lab file; default `['services', index]`. */
  path?: FieldPath;
}

/** The kube-apiserver behind `default/kubernetes` (a lab has none of its own: the caller says where one would be). */
export interface ApiServerEndpoint {
  ip: string;
  /** 6443 for kubeadm. */
  port: number;
  node: string | null;
}

export interface KubeClusterInput {
  /** Default 10.96.0.0/12 (kubeadm). */
  serviceCidr?: string;
  /** The pod network (flannel's Network, kube-proxy's --cluster-cidr). */
  clusterCidr: string;
  /** Default cluster.local. */
  clusterDomain?: string;
  /** `kube-system/kube-dns` in front of the pods labelled `k8s-app: kube-dns`. Default true. */
  dns?: boolean;
  /** `default/kubernetes` with this endpoint; null: no such Service (its address stays reserved). */
  apiServer?: ApiServerEndpoint | null;
  /** Other networks the service CIDR must not overlap (the underlay, the lab internet). */
  otherNetworks?: readonly { cidr: string; what: string }[];
  pods: readonly KubePodInput[];
  services: readonly KubeServiceInput[];
  /** Where `serviceCidr` and friends are in the lab file; default `['kubernetes']`. */
  path?: FieldPath;
}

export interface ResolvedEndpoint {
  ip: string;
  port: number;
  /** The node it runs on (null: outside any lab host). */
  node: string | null;
  /** `namespace/name` of the pod, null for the apiserver. */
  pod: string | null;
}

export interface ResolvedServicePort {
  /** '' for the single unnamed port of a Service. */
  name: string;
  port: number;
  targetPort: number;
  protocol: ServiceProtocol;
  nodePort: number | null;
  /** Ready endpoints, sorted by the `ip:port` string as kube-proxy sorts them. */
  endpoints: ResolvedEndpoint[];
}

export interface ResolvedService {
  namespace: string;
  name: string;
  type: ServiceType;
  /** null for a headless Service. */
  clusterIP: string | null;
  selector: Readonly<Record<string, string>> | null;
  ports: ResolvedServicePort[];
  externalTrafficPolicy: TrafficPolicy;
  sessionAffinity: SessionAffinity;
  /** Meaningful with ClientIP affinity (10800 by default). */
  sessionAffinityTimeoutSeconds: number;
  /** Who declared it: the lab, or the cluster itself. */
  origin: 'lab' | 'kubernetes' | 'kube-dns';
}

export interface ResolvedPod {
  name: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  ip: string;
  node: string;
  serve: number | null;
  ready: boolean;
}

export interface ResolvedCluster {
  serviceCidr: string;
  clusterCidr: string;
  clusterDomain: string;
  /** The ClusterIP of kube-system/kube-dns (null without cluster DNS). */
  dnsServiceIp: string | null;
  /** Every namespace in use, sorted (always `default` and `kube-system`). */
  namespaces: string[];
  pods: ResolvedPod[];
  /** Sorted by namespace, then name. */
  services: ResolvedService[];
}

/** A problem of the declared Services; errors make the lab bad input (exit 2), warnings are shown. */
export interface KubeIssue extends SpecIssue {
  severity: 'error' | 'warning';
}
