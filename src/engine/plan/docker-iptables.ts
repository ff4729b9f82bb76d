// Docker's iptables layout (libnetwork/drivers/bridge, "classic" 20.10–27; docs/networking.md §3.1):
// the DOCKER chains and their jumps, outbound masquerade, and per published
// port the DNAT rule, the hairpin MASQUERADE and the filter ACCEPT.
import type { PodAllocation } from '../ipam/allocation';
import type { PublishSpec } from '../spec/lab-spec';
import { DEFAULT_NAMES, type HostNames } from './plan-context';
import { cmd, type Step } from './step';

const nat = (...rule: (string | number)[]) => cmd('iptables', '-t', 'nat', ...rule);
const filter = (...rule: (string | number)[]) => cmd('iptables', '-t', 'filter', ...rule);

function natChainSteps(bridge: string, names: HostNames): Step[] {
  const docker = names.chain('DOCKER');
  return [
    nat('-N', docker),
    nat('-A', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', docker),
    nat('-A', 'OUTPUT', '!', '-d', '127.0.0.0/8', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', docker),
    nat('-A', docker, '-i', bridge, '-j', 'RETURN'),
  ];
}

function forwardToBridgeSteps(bridge: string, names: HostNames): Step[] {
  return [
    filter('-A', 'FORWARD', '-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
    filter('-A', 'FORWARD', '-o', bridge, '-j', names.chain('DOCKER')),
  ];
}

/** What dockerd sets up for its bridge when it starts (docker0 mode hosts). */
export function dockerDaemonSteps(bridge: string, subnet: string, masquerade: boolean, names: HostNames = DEFAULT_NAMES): Step[] {
  const [docker, stage1, stage2, user] = ['DOCKER', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2', 'DOCKER-USER'].map(names.chain) as [string, string, string, string];
  return [
    ...natChainSteps(bridge, names),
    ...(masquerade ? [nat('-A', 'POSTROUTING', '-s', subnet, '!', '-o', bridge, '-j', 'MASQUERADE')] : []),
    filter('-P', 'FORWARD', 'DROP'),
    filter('-N', docker),
    filter('-N', stage1),
    filter('-N', stage2),
    filter('-N', user),
    filter('-A', 'FORWARD', '-j', user),
    filter('-A', 'FORWARD', '-j', stage1),
    ...forwardToBridgeSteps(bridge, names),
    filter('-A', 'FORWARD', '-i', bridge, '!', '-o', bridge, '-j', 'ACCEPT'),
    filter('-A', 'FORWARD', '-i', bridge, '-o', bridge, '-j', 'ACCEPT'),
    filter('-A', stage1, '-i', bridge, '!', '-o', bridge, '-j', stage2),
    filter('-A', stage1, '-j', 'RETURN'),
    filter('-A', stage2, '-o', bridge, '-j', 'DROP'),
    filter('-A', stage2, '-j', 'RETURN'),
    filter('-A', user, '-j', 'RETURN'),
  ];
}

/** Only the DOCKER chains and jumps, for publishing on a host that is not a Docker host (pod-cidr mode). */
export function dockerPublishChainSteps(bridge: string, names: HostNames = DEFAULT_NAMES): Step[] {
  return [...natChainSteps(bridge, names), filter('-N', names.chain('DOCKER')), ...forwardToBridgeSteps(bridge, names)];
}

/** `-p 8080:80` for a container: hairpin masquerade, DNAT, filter accept. */
export function publishSteps(bridge: string, published: PublishSpec, pod: PodAllocation, names: HostNames = DEFAULT_NAMES): Step[] {
  const p = published.protocol;
  const docker = names.chain('DOCKER');
  return [
    nat('-A', 'POSTROUTING', '-s', `${pod.ip}/32`, '-d', `${pod.ip}/32`, '-p', p, '-m', p, '--dport', published.toPort, '-j', 'MASQUERADE'),
    nat('-A', docker, '!', '-i', bridge, '-p', p, '-m', p, '--dport', published.port, '-j', 'DNAT', '--to-destination', `${pod.ip}:${published.toPort}`),
    filter('-A', docker, '-d', `${pod.ip}/32`, '!', '-i', bridge, '-o', bridge, '-p', p, '-m', p, '--dport', published.toPort, '-j', 'ACCEPT'),
  ];
}
