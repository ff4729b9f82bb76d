// How the plan is named on a real machine, which has its own Docker,
// flannel or CNI perhaps: every link and chain the lab creates gets the
// `pn-` / `PN-` prefix (pn-cni0, pn-flannel.1, PN-FLANNEL-POSTRTG), pods
// are namespaces pn-<pod>, and the lab's files (state, flannel's
// subnet.env, leases, responders) live in /run/podnet/lab — gone at reboot
// together with the kernel state they describe. A machine holds one lab at a time.
import type { PlanContext } from '../../plan/plan-context';

export const SSH_STATE_DIR = '/run/podnet/lab';
export const LINK_PREFIX = 'pn-';
export const CHAIN_PREFIX = 'PN-';
export const NETNS_PREFIX = 'pn-';

export const SSH_PLAN_CONTEXT: PlanContext = {
  stateDir: SSH_STATE_DIR,
  podNetns: (_host, pod) => `${NETNS_PREFIX}${pod}`,
  isolated: false,
  names: { link: (base) => `${LINK_PREFIX}${base}`, chain: (base) => `${CHAIN_PREFIX}${base}` },
  flannelRunDir: `${SSH_STATE_DIR}/flannel`,
  cniRoot: `${SSH_STATE_DIR}/cni`,
};
