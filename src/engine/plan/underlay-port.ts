// On isolated hosts (containers, namespaces) the lab owns the underlay
// interface: it arrives without an address and the plan gives it one.
import { NO_DNS_RESOLV_CONF } from './plan-context';
import { cmd, type Step } from './step';

export function underlayPortSteps(dev: string, ip: string, prefixLen: number): Step[] {
  return [cmd('ip', 'addr', 'add', `${ip}/${prefixLen}`, 'dev', dev), cmd('ip', 'link', 'set', dev, 'up')];
}

/** A host the lab owns (`PlanContext.isolated`): no DNS server, and its underlay address. */
export function isolatedHostSteps(dev: string, ip: string, prefixLen: number): Step[] {
  return [{ kind: 'file', path: '/etc/resolv.conf', content: NO_DNS_RESOLV_CONF, mode: 0o644 }, ...underlayPortSteps(dev, ip, prefixLen)];
}
