// A pod (or, in docker0 mode, a container): a network namespace joined to the
// host bridge by a veth pair whose pod end is renamed eth0 (docs/networking.md §2, §4).
import type { BridgeAllocation, PodAllocation } from '../ipam/allocation';
import { cmd, type Step } from './step';

export interface PodStepsInput {
  pod: PodAllocation;
  netns: string;
  bridge: BridgeAllocation;
  /** pod-cidr mode: the cluster network, routed via the bridge (flannel's pod routes). */
  clusterCidr: string | null;
  /** The CNI bridge plugin's `hairpinMode` (flannel's delegate sets it): a pod reaches itself through a Service. */
  hairpin: boolean;
}

/** Steps in the host's namespace: the namespace, the veth pair, the bridge port. */
export function podHostSteps({ pod, netns, bridge, hairpin }: PodStepsInput): Step[] {
  return [
    cmd('ip', 'netns', 'add', netns),
    cmd('ip', 'link', 'add', pod.vethHost, 'mtu', pod.mtu, 'type', 'veth', 'peer', 'name', 'eth0', 'mtu', pod.mtu, 'netns', netns),
    cmd('ip', 'link', 'set', pod.vethHost, 'master', bridge.name, 'up'),
    ...(hairpin ? [cmd('bridge', 'link', 'set', 'dev', pod.vethHost, 'hairpin', 'on')] : []),
  ];
}

/** Steps inside the pod's namespace (`ip -n <netns> …`). */
export function podNetnsSteps({ pod, netns, clusterCidr }: PodStepsInput): Step[] {
  const n = ['ip', '-n', netns];
  const steps = [
    cmd(...n, 'link', 'set', 'lo', 'up'),
    cmd(...n, 'addr', 'add', `${pod.ip}/${pod.prefixLen}`, 'dev', 'eth0'),
    cmd(...n, 'link', 'set', 'eth0', 'up'),
    cmd(...n, 'route', 'add', 'default', 'via', pod.gateway, 'dev', 'eth0'),
  ];
  if (clusterCidr) steps.push(cmd(...n, 'route', 'add', clusterCidr, 'via', pod.gateway, 'dev', 'eth0'));
  return steps;
}
