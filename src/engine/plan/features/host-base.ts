// Every host: IP forwarding, the lab's state file (host-state-file.ts), and
// on a host the lab owns (a container, a namespace) its underlay address and
// no DNS server.
import { prefixLen } from '../../ipam/cidr';
import { hostStateFile } from '../host-state-file';
import type { HostInput, NetworkFeature } from '../network-feature';
import { isolatedHostSteps } from '../underlay-port';

const underlayLen = ({ allocation }: HostInput) => prefixLen(allocation.underlay.subnet!);

export const hostBase: NetworkFeature = {
  name: 'host',
  applies: () => true,
  hostSteps: (input) => {
    const { spec, allocation, host, ctx } = input;
    return {
      hosts: [
        { kind: 'sysctl', key: 'net.ipv4.ip_forward', value: '1' },
        hostStateFile(spec, allocation, host, ctx),
        ...(ctx.isolated ? isolatedHostSteps(host.underlayDev, host.underlayIp, underlayLen(input)) : []),
      ],
    };
  },
  expected: (input) => (input.ctx.isolated ? [{ kind: 'address', dev: input.host.underlayDev, address: input.host.underlayIp, prefixLen: underlayLen(input) }] : []),
};
