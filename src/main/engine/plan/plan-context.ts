// What a plan needs to know about where it runs: names of the namespaces it
// creates and where state files go. Drivers supply their own (the docker
// driver keeps the defaults; hosts that are real machines prefix names).

export interface PlanContext {
  /** Folder for the lab's files on a host (state file, responder, flannel keys). */
  stateDir: string;
  /** Name of a pod's network namespace on its host. */
  podNetns(host: string, pod: string): string;
  /**
   * The lab owns the host's routing and name resolution (containers and
   * namespaces, not real machines): a host gets no default route unless the
   * lab has an internet node, and no DNS server — lab traffic never leaves the lab.
   * Its underlay interface (eth0) is the lab's too: the plan gives it its address.
   */
  isolated: boolean;
}

export const DOCKER_PLAN_CONTEXT: PlanContext = {
  stateDir: '/etc/podnet',
  podNetns: (_host, pod) => pod,
  isolated: true,
};

export const NO_DNS_RESOLV_CONF = '# Podnet Lab: no DNS server inside the lab (lab traffic never leaves the lab).\n# Lab hosts are in /etc/hosts.\n';
