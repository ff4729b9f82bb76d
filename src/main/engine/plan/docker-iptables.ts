// Docker's iptables layout (libnetwork/drivers/bridge, "classic" 20.10–27):
// the DOCKER chains and their jumps, outbound masquerade, and per published
// port the DNAT rule, the hairpin MASQUERADE and the filter ACCEPT.
import type { PodAllocation } from '../ipam/allocation';
import type { PublishSpec } from '../spec/lab-spec';
import { cmd, type Step } from './step';

const nat = (...rule: (string | number)[]) => cmd('iptables', '-t', 'nat', ...rule);
const filter = (...rule: (string | number)[]) => cmd('iptables', '-t', 'filter', ...rule);

function natChainSteps(bridge: string): Step[] {
  return [
    nat('-N', 'DOCKER'),
    nat('-A', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER'),
    nat('-A', 'OUTPUT', '!', '-d', '127.0.0.0/8', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER'),
    nat('-A', 'DOCKER', '-i', bridge, '-j', 'RETURN'),
  ];
}

function forwardToBridgeSteps(bridge: string): Step[] {
  return [
    filter('-A', 'FORWARD', '-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
    filter('-A', 'FORWARD', '-o', bridge, '-j', 'DOCKER'),
  ];
}

/** What dockerd sets up for its bridge when it starts (docker0 mode hosts). */
export function dockerDaemonSteps(bridge: string, subnet: string, masquerade: boolean): Step[] {
  return [
    ...natChainSteps(bridge),
    ...(masquerade ? [nat('-A', 'POSTROUTING', '-s', subnet, '!', '-o', bridge, '-j', 'MASQUERADE')] : []),
    filter('-P', 'FORWARD', 'DROP'),
    filter('-N', 'DOCKER'),
    filter('-N', 'DOCKER-ISOLATION-STAGE-1'),
    filter('-N', 'DOCKER-ISOLATION-STAGE-2'),
    filter('-N', 'DOCKER-USER'),
    filter('-A', 'FORWARD', '-j', 'DOCKER-USER'),
    filter('-A', 'FORWARD', '-j', 'DOCKER-ISOLATION-STAGE-1'),
    ...forwardToBridgeSteps(bridge),
    filter('-A', 'FORWARD', '-i', bridge, '!', '-o', bridge, '-j', 'ACCEPT'),
    filter('-A', 'FORWARD', '-i', bridge, '-o', bridge, '-j', 'ACCEPT'),
    filter('-A', 'DOCKER-ISOLATION-STAGE-1', '-i', bridge, '!', '-o', bridge, '-j', 'DOCKER-ISOLATION-STAGE-2'),
    filter('-A', 'DOCKER-ISOLATION-STAGE-1', '-j', 'RETURN'),
    filter('-A', 'DOCKER-ISOLATION-STAGE-2', '-o', bridge, '-j', 'DROP'),
    filter('-A', 'DOCKER-ISOLATION-STAGE-2', '-j', 'RETURN'),
    filter('-A', 'DOCKER-USER', '-j', 'RETURN'),
  ];
}

/** Only the DOCKER chains and jumps, for publishing on a host that is not a Docker host (pod-cidr mode). */
export function dockerPublishChainSteps(bridge: string): Step[] {
  return [...natChainSteps(bridge), filter('-N', 'DOCKER'), ...forwardToBridgeSteps(bridge)];
}

/** `-p 8080:80` for a container: hairpin masquerade, DNAT, filter accept. */
export function publishSteps(bridge: string, published: PublishSpec, pod: PodAllocation): Step[] {
  const p = published.protocol;
  return [
    nat('-A', 'POSTROUTING', '-s', `${pod.ip}/32`, '-d', `${pod.ip}/32`, '-p', p, '-m', p, '--dport', published.toPort, '-j', 'MASQUERADE'),
    nat('-A', 'DOCKER', '!', '-i', bridge, '-p', p, '-m', p, '--dport', published.port, '-j', 'DNAT', '--to-destination', `${pod.ip}:${published.toPort}`),
    filter('-A', 'DOCKER', '-d', `${pod.ip}/32`, '!', '-i', bridge, '-o', bridge, '-p', p, '-m', p, '--dport', published.toPort, '-j', 'ACCEPT'),
  ];
}
