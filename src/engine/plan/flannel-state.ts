// The files flannel leaves on a node: /run/flannel/subnet.env, and (here as
// files, as flannel keeps them in etcd) the network config and every lease (docs/networking.md §5.1–5.2).
import type { FlannelAllocation, HostAllocation } from '../ipam/allocation';
import type { Step } from './step';

export function subnetEnv(self: HostAllocation, flannel: FlannelAllocation): string {
  const [net, len] = self.lease!.split('/');
  const first = net!.replace(/\d+$/, (d) => String(Number(d) + 1));
  return [
    `FLANNEL_NETWORK=${flannel.network}`,
    `FLANNEL_SUBNET=${first}/${len}`,
    `FLANNEL_MTU=${flannel.mtu}`,
    `FLANNEL_IPMASQ=${flannel.ipMasq}`,
    '',
  ].join('\n');
}

export function networkConfig(flannel: FlannelAllocation): string {
  const backend = flannel.backend === 'vxlan' ? { Type: 'vxlan', VNI: flannel.vni, Port: flannel.port } : { Type: flannel.backend };
  return JSON.stringify({ Network: flannel.network, SubnetLen: flannel.subnetLen, Backend: backend }) + '\n';
}

export function leaseValue(host: HostAllocation, flannel: FlannelAllocation): string {
  const value =
    flannel.backend === 'vxlan'
      ? { PublicIP: host.underlayIp, BackendType: 'vxlan', BackendData: { VNI: flannel.vni, VtepMAC: host.vtepMac } }
      : { PublicIP: host.underlayIp, BackendType: flannel.backend };
  return JSON.stringify(value) + '\n';
}

/** `10.2.1.0/24` → `10.2.1.0-24`, flannel's key for a lease. */
export const leaseKey = (lease: string) => lease.replace('/', '-');

export function flannelStateSteps(self: HostAllocation, all: HostAllocation[], flannel: FlannelAllocation, stateDir: string, runDir = '/run/flannel'): Step[] {
  const etcd = `${stateDir}/etcd/coreos.com/network`;
  return [
    { kind: 'file', path: `${runDir}/subnet.env`, content: subnetEnv(self, flannel), mode: 0o644 },
    { kind: 'file', path: `${etcd}/config`, content: networkConfig(flannel), mode: 0o644 },
    ...all
      .filter((h) => h.lease)
      .map((h): Step => ({ kind: 'file', path: `${etcd}/subnets/${leaseKey(h.lease!)}`, content: leaseValue(h, flannel), mode: 0o644 })),
  ];
}
