// How a pod is plugged on a flannel node (docs/networking.md): kube-flannel's
// install-cni container leaves /etc/cni/net.d/10-flannel.conflist (network
// cbr0: flannel, then portmap); for each pod the flannel CNI plugin turns
// /run/flannel/subnet.env into a config for the bridge plugin (delegate),
// keeps it in /var/lib/cni/flannel/<container ID>, and the bridge plugin's
// host-local IPAM records the pod's address in /var/lib/cni/networks/cbr0/.
// The lab writes these files exactly where and as those plugins would.
import type { FlannelAllocation, HostAllocation } from '../ipam/allocation';
import { containerId } from '../ipam/identifiers';
import type { Step } from './step';

export const CNI_NETWORK = 'cbr0';

/** kube-flannel.yml's cni-conf.json, as install-cni copies it. */
export const FLANNEL_CONFLIST = `{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
`;

/**
 * What the flannel plugin hands the bridge plugin (a Go map marshalled: keys
 * sorted, no spaces, no newline). `bridge` is set only when the bridge is not
 * the plugin's default cni0 (a prefixed name on a shared machine).
 */
export function delegatedConfig(host: HostAllocation, flannel: FlannelAllocation): string {
  const conf: Record<string, unknown> = {
    ...(host.bridge.name !== 'cni0' ? { bridge: host.bridge.name } : {}),
    cniVersion: '0.3.1',
    hairpinMode: true,
    ipMasq: !flannel.ipMasq,
    ipam: { ranges: [[{ subnet: host.lease }]], routes: [{ dst: flannel.network }], type: 'host-local' },
    isDefaultGateway: true,
    isGateway: true,
    mtu: flannel.mtu,
    name: CNI_NETWORK,
    type: 'bridge',
  };
  return JSON.stringify(conf);
}

const file = (path: string, content: string, mode = 0o644): Step => ({ kind: 'file', path, content, mode });

/** The network config install-cni leaves on every node. */
export function flannelConflistStep(cniRoot = ''): Step {
  return file(`${cniRoot}/etc/cni/net.d/10-flannel.conflist`, FLANNEL_CONFLIST);
}

/**
 * Per pod: flannel's cached delegate config and host-local's lease
 * (`<container ID>\r\n<ifname>`, mode 600 like the plugins write them), then
 * the last address handed out and host-local's lock file.
 */
export function flannelPodFilesSteps(lab: string, host: HostAllocation, flannel: FlannelAllocation, cniRoot = ''): Step[] {
  if (host.pods.length === 0 || !host.lease) return [];
  const leases = `${cniRoot}/var/lib/cni/networks/${CNI_NETWORK}`;
  const delegate = delegatedConfig(host, flannel);
  return [
    ...host.pods.flatMap((pod) => {
      const id = containerId(lab, host.name, pod.name);
      return [file(`${cniRoot}/var/lib/cni/flannel/${id}`, delegate, 0o600), file(`${leases}/${pod.ip}`, `${id}\r\neth0`, 0o600)];
    }),
    file(`${leases}/last_reserved_ip.0`, host.pods[host.pods.length - 1]!.ip, 0o600),
    file(`${leases}/lock`, '', 0o600),
  ];
}
