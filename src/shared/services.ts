// Kubernetes Services as a host's kernel state says they are: parsed back
// from kube-proxy's rules (iptables-save or the `ip kube-proxy` nft table),
// never from the lab's plan — delete a KUBE-SEP rule and the endpoint is gone
// from here. Types only.

export type ObservedProtocol = 'tcp' | 'udp' | 'sctp';

export interface ObservedEndpoint {
  ip: string;
  port: number;
  /**
   * The rule's own probability: iptables' `--probability` as printed
   * (0.33333333349), null for the last rule, taken whenever it is reached;
   * nftables: 1/N of its `numgen random mod N`.
   */
  probability: number | null;
  /** The share of new connections the rules send to it (0–1), computed along the chain. */
  share: number;
  /** The chain that DNATs to it (KUBE-SEP-…, endpoint-…). */
  chain: string;
}

/** What the rules do with a connection no endpoint takes. */
export type NoEndpointVerdict = 'reject' | 'drop';

export interface ObservedServicePort {
  /** kube-proxy's ServicePortName: `default/web:http`, `default/sticky` for an unnamed port. */
  servicePortName: string;
  /** '' for an unnamed port. */
  portName: string;
  protocol: ObservedProtocol;
  /** Null when only a node port of it is in the rules. */
  clusterIP: string | null;
  port: number | null;
  nodePort: number | null;
  /** Where the ClusterIP sends connections (KUBE-SVC-… / service-…), in rule order. */
  endpoints: ObservedEndpoint[];
  /** externalTrafficPolicy Local: the endpoints on this host (KUBE-SVL-… / local-…); null otherwise. */
  localEndpoints: ObservedEndpoint[] | null;
  /** Null for a port without external traffic (no node port). */
  externalTrafficPolicy: 'Cluster' | 'Local' | null;
  /** ClientIP session affinity's timeout in seconds; null: no affinity. */
  affinityTimeoutSeconds: number | null;
  /** REJECT (no endpoints at all) or DROP (Local, none on this host), for the ClusterIP and the node port. */
  noEndpoints: { clusterIP: NoEndpointVerdict | null; nodePort: NoEndpointVerdict | null };
  /** The service port's own chains on this host. */
  chains: string[];
  /** Its rules as the host prints them (iptables-save lines; nft statements prefixed by their chain). */
  rules: string[];
}

export interface ObservedService {
  namespace: string;
  name: string;
  /** NodePort when any of its ports has a node port. (Headless Services have no rules.) */
  type: 'ClusterIP' | 'NodePort';
  ports: ObservedServicePort[];
}

export interface ObservedServices {
  /** Which of kube-proxy's modes the rules are from. */
  mode: 'iptables' | 'nftables';
  /** Sorted by namespace and name; ports by protocol, then port. */
  services: ObservedService[];
}
