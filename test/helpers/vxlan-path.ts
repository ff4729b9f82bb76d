// The hops of a pod-to-pod ping across flannel's VXLAN overlay (pod eth0 →
// veth → bridge → flannel.1 → eth0 → underlay → peer eth0 → flannel.1 →
// bridge → veth → pod), with veth names (random per lab) written as `veth`.
import type { PathHop } from '../../src/shared/path';

export const VXLAN_REQUEST_HOPS = [
  'host1/a eth0 out',
  'host1 veth in',
  'host1 cni0 in',
  'host1 flannel.1 out',
  'host1 eth0 out',
  'underlay u-host1 in',
  'underlay u-host2 out',
  'host2 eth0 in',
  'host2 flannel.1 in',
  'host2 cni0 out',
  'host2 veth out',
  'host2/b eth0 in',
];

export const hopText = (h: PathHop) => `${h.node} ${/^veth[0-9a-f]+$/.test(h.iface) ? 'veth' : h.iface} ${h.direction}`;
