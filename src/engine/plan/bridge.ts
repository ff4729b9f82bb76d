// The host bridge: docker0 (Docker's default) or cni0 (CNI bridge plugin); docs/networking.md §2, §4.
import type { BridgeAllocation } from '../ipam/allocation';
import { cmd, type Step } from './step';

export function bridgeSteps(bridge: BridgeAllocation): Step[] {
  return [
    cmd('ip', 'link', 'add', bridge.name, 'type', 'bridge'),
    cmd('ip', 'link', 'set', bridge.name, 'mtu', bridge.mtu),
    cmd('ip', 'addr', 'add', `${bridge.ip}/${bridge.prefixLen}`, 'dev', bridge.name),
    cmd('ip', 'link', 'set', bridge.name, 'up'),
  ];
}
