// flannel's host-gw backend (pkg/backend/hostgw; docs/networking.md §5.5): one route per other node's
// lease via that node's underlay address. Needs one shared L2 segment.
import type { HostAllocation } from '../ipam/allocation';
import { cmd, type Step } from './step';

export function hostGwSteps(self: HostAllocation, peers: HostAllocation[]): Step[] {
  return peers
    .filter((p) => p.name !== self.name && p.lease)
    .map((p) => cmd('ip', 'route', 'replace', p.lease!, 'via', p.underlayIp, 'dev', self.underlayDev));
}
