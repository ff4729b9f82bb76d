// Sysctls a host's plan sets that a container cannot set itself: Docker
// mounts /proc/sys read-only in an unprivileged container, so the
// namespaced `net.ipv4.conf.all.*` keys the plan asks for (route_localnet,
// for kube-proxy's localhost NodePorts and the portmap plugin) are given at
// creation. The plan's own sysctl step then finds the value set and does nothing.
import type { HostPlan } from '../../plan/step';

const AT_CREATION = /^net\.ipv4\.conf\.all\.[a-z_]+$/;

export function containerSysctls(plan: Pick<HostPlan, 'phases'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { steps } of plan.phases) for (const s of steps) if (s.kind === 'sysctl' && AT_CREATION.test(s.key)) out[s.key] = s.value;
  return out;
}
