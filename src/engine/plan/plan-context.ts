// What a plan needs to know about where it runs: names of the namespaces it
// creates and where state files go. Drivers supply their own (the docker
// and local drivers keep the defaults; hosts that are real machines prefix
// names so nothing clashes with the machine's own Docker or flannel).

/** Names of what a lab creates in a host's own namespace, where the machine may have its own. */
export interface HostNames {
  /** A link (bridge, vxlan device): `cni0` → e.g. `pn-cni0`. At most 15 characters. */
  link(base: string): string;
  /** An iptables chain: `FLANNEL-POSTRTG` → e.g. `PN-FLANNEL-POSTRTG`. */
  chain(base: string): string;
}

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
  /** Names on a shared machine (default: the real projects' names, docs/networking.md). */
  names?: HostNames;
  /** Where flannel's subnet.env goes (default /run/flannel). */
  flannelRunDir?: string;
  /** Prefix of CNI's folders (/etc/cni/net.d, /var/lib/cni); default none: the real places. */
  cniRoot?: string;
}

export const DEFAULT_NAMES: HostNames = { link: (base) => base, chain: (base) => base };

export const namesOf = (ctx: PlanContext): HostNames => ctx.names ?? DEFAULT_NAMES;

/** Containers (docker driver) and namespace hosts (local driver): the host is the lab's alone. */
export const DOCKER_PLAN_CONTEXT: PlanContext = {
  stateDir: '/etc/podnet',
  podNetns: (_host, pod) => pod,
  isolated: true,
};

export const NO_DNS_RESOLV_CONF = '# Podnet Lab: no DNS server inside the lab (lab traffic never leaves the lab).\n# Lab hosts are in /etc/hosts.\n';
