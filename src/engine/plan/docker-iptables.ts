// Docker's iptables layout for its default bridge (libnetwork's bridge
// driver), in three versions a lab file chooses with `network.dockerRules`
// (docs/networking.md §3, from moby's generated iptablesdoc dumps):
//   27 (≤27.5.1)  FORWARD jumps straight to DOCKER-ISOLATION-STAGE-1/2 and
//                 DOCKER; a hairpin MASQUERADE per published port.
//   28 (28.5.2)   FORWARD → DOCKER-FORWARD → DOCKER-CT / DOCKER-BRIDGE; a
//                 per-network DROP closes the bridge to everything not
//                 published; raw-table DROPs stop direct routing to a
//                 container; no hairpin rule (docker-proxy does hairpin).
//   29 (current)  as 28 without the isolation chains (DOCKER-INTERNAL instead)
//                 and without nat `DOCKER -i docker0 -j RETURN`.
// Rules are listed in the order dockerd leaves them, so iptables-save prints
// what it prints on a real Docker host.
import type { PodAllocation } from '../ipam/allocation';
import type { DockerRules, PublishSpec } from '../spec/lab-spec';
import { DEFAULT_NAMES, type HostNames } from './plan-context';
import { cmd, type Step } from './step';

const nat = (...rule: (string | number)[]) => cmd('iptables', '-t', 'nat', ...rule);
const filter = (...rule: (string | number)[]) => cmd('iptables', '-t', 'filter', ...rule);
const raw = (...rule: (string | number)[]) => cmd('iptables', '-t', 'raw', ...rule);

export interface DockerBridge {
  /** docker0 (or its prefixed name on a shared machine). */
  bridge: string;
  /** The bridge's subnet (172.17.0.0/16). */
  subnet: string;
  version: DockerRules;
  names?: HostNames;
}

/** nat: the DOCKER chain and the jumps into it from PREROUTING and OUTPUT. */
function natChainSteps({ bridge, version, names = DEFAULT_NAMES }: DockerBridge): Step[] {
  const docker = names.chain('DOCKER');
  return [
    nat('-N', docker),
    nat('-A', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', docker),
    nat('-A', 'OUTPUT', '!', '-d', '127.0.0.0/8', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', docker),
    ...(version < 29 ? [nat('-A', docker, '-i', bridge, '-j', 'RETURN')] : []),
  ];
}

/**
 * filter: Docker's chains, FORWARD's jumps and the bridge's own rules.
 * `dockerNetwork: false` (publishing on a host whose bridge is not Docker's):
 * only what leads forwarded packets to the DOCKER chain, nothing that would
 * accept or drop the bridge's other traffic.
 */
function filterSteps({ bridge, version, names = DEFAULT_NAMES }: DockerBridge, dockerNetwork: boolean): Step[] {
  const c = (base: string) => names.chain(base);
  const [docker, user, stage1, stage2] = [c('DOCKER'), c('DOCKER-USER'), c('DOCKER-ISOLATION-STAGE-1'), c('DOCKER-ISOLATION-STAGE-2')];
  const when = (yes: boolean, steps: Step[]) => (yes ? steps : []);
  if (version === 27) {
    return [
      ...(dockerNetwork ? [docker, stage1, stage2, user] : [docker]).map((chain) => filter('-N', chain)),
      ...when(dockerNetwork, [filter('-A', 'FORWARD', '-j', user), filter('-A', 'FORWARD', '-j', stage1)]),
      filter('-A', 'FORWARD', '-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
      filter('-A', 'FORWARD', '-o', bridge, '-j', docker),
      ...when(dockerNetwork, [
        filter('-A', 'FORWARD', '-i', bridge, '!', '-o', bridge, '-j', 'ACCEPT'),
        filter('-A', 'FORWARD', '-i', bridge, '-o', bridge, '-j', 'ACCEPT'),
        filter('-A', stage1, '-i', bridge, '!', '-o', bridge, '-j', stage2),
        filter('-A', stage1, '-j', 'RETURN'),
        filter('-A', stage2, '-o', bridge, '-j', 'DROP'),
        filter('-A', stage2, '-j', 'RETURN'),
        filter('-A', user, '-j', 'RETURN'),
      ]),
    ];
  }
  const [forward, ct, bridgeChain, internal] = [c('DOCKER-FORWARD'), c('DOCKER-CT'), c('DOCKER-BRIDGE'), c('DOCKER-INTERNAL')];
  const isolation = version === 28 && dockerNetwork;
  const middle = isolation ? [stage1, stage2] : dockerNetwork ? [internal] : [];
  return [
    ...[docker, bridgeChain, ct, forward, ...middle, user].map((chain) => filter('-N', chain)),
    filter('-A', 'FORWARD', '-j', user),
    filter('-A', 'FORWARD', '-j', forward),
    ...when(dockerNetwork, [filter('-A', docker, '!', '-i', bridge, '-o', bridge, '-j', 'DROP')]),
    filter('-A', bridgeChain, '-o', bridge, '-j', docker),
    filter('-A', ct, '-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
    filter('-A', forward, '-j', ct),
    ...when(dockerNetwork, [filter('-A', forward, '-j', isolation ? stage1 : internal)]),
    filter('-A', forward, '-j', bridgeChain),
    ...when(dockerNetwork, [filter('-A', forward, '-i', bridge, '-j', 'ACCEPT')]),
    ...when(isolation, [filter('-A', stage1, '-i', bridge, '!', '-o', bridge, '-j', stage2), filter('-A', stage2, '-o', bridge, '-j', 'DROP')]),
  ];
}

/** What dockerd sets up for its bridge when it starts (docker0 mode hosts). */
export function dockerDaemonSteps(b: DockerBridge, masquerade: boolean): Step[] {
  return [
    ...natChainSteps(b),
    ...(masquerade ? [nat('-A', 'POSTROUTING', '-s', b.subnet, '!', '-o', b.bridge, '-j', 'MASQUERADE')] : []),
    filter('-P', 'FORWARD', 'DROP'),
    ...filterSteps(b, true),
  ];
}

/** Only Docker's chains and jumps, for publishing on a host that is not a Docker host (pod-cidr mode). */
export function dockerPublishChainSteps(b: DockerBridge): Step[] {
  return [...natChainSteps(b), ...filterSteps(b, false)];
}

/** 28 and later: a container on the bridge is reachable directly only from the bridge (raw PREROUTING, per endpoint). */
export function dockerEndpointSteps(b: DockerBridge, pod: PodAllocation): Step[] {
  return b.version >= 28 ? [raw('-A', 'PREROUTING', '-d', `${pod.ip}/32`, '!', '-i', b.bridge, '-j', 'DROP')] : [];
}

/** `-p 8080:80` for a container: DNAT, the filter ACCEPT (inserted at the head of DOCKER), and on 27 the hairpin MASQUERADE. */
export function publishSteps(b: DockerBridge, published: PublishSpec, pod: PodAllocation): Step[] {
  const p = published.protocol;
  const docker = (b.names ?? DEFAULT_NAMES).chain('DOCKER');
  return [
    ...(b.version === 27 ? [nat('-A', 'POSTROUTING', '-s', `${pod.ip}/32`, '-d', `${pod.ip}/32`, '-p', p, '-m', p, '--dport', published.toPort, '-j', 'MASQUERADE')] : []),
    nat('-A', docker, '!', '-i', b.bridge, '-p', p, '-m', p, '--dport', published.port, '-j', 'DNAT', '--to-destination', `${pod.ip}:${published.toPort}`),
    filter('-I', docker, '-d', `${pod.ip}/32`, '!', '-i', b.bridge, '-o', b.bridge, '-p', p, '-m', p, '--dport', published.toPort, '-j', 'ACCEPT'),
  ];
}
