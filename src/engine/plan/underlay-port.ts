// On isolated hosts (containers, namespaces) the lab owns the underlay
// interface: it arrives without an address and the plan gives it one.
import { cmd, type Step } from './step';

export function underlayPortSteps(dev: string, ip: string, prefixLen: number): Step[] {
  return [cmd('ip', 'addr', 'add', `${ip}/${prefixLen}`, 'dev', dev), cmd('ip', 'link', 'set', dev, 'up')];
}
