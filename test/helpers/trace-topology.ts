// A tiny hand-made two-host network in ONE podnet/node:2 container, for the
// netfilter-trace tests (and the source of test/fixtures/trace):
//
//   pa 10.2.1.2 ─ vpa ─ host1 (the container's own namespace) ═ VXLAN flannel.1 over eth1 ═ h2 ─ vpb ─ pb 10.2.3.10
//                       192.168.100.1                                        192.168.100.2
//
// host1 carries what the labs put on a node: Docker's published-port DNAT
// (host1:8080 → pa:80), flannel's FLANNEL-FWD and FLANNEL-POSTRTG (masquerade
// of pod traffic leaving the pod network), and a native nftables table in
// kube-proxy's shape (ClusterIP 10.96.100.10:80 → pb:80, drop/reject for
// other ClusterIPs). pa and pb answer TCP on port 80 (socat).
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { runExec, spawnExec } from '../../src/engine/drivers/docker/docker-exec';
import { NODE_IMAGE } from '../../src/engine/drivers/docker/node-image';
import type { TraceNamespace } from '../../src/engine/trace/trace-namespace';

export const TOPOLOGY_SCRIPT = String.raw`
set -e
ip netns add h2; ip netns add pa; ip netns add pb
ip link set lo up
ip link add eth1 type veth peer name eth1 netns h2
ip addr add 192.168.100.1/24 dev eth1; ip link set eth1 up
ip -n h2 addr add 192.168.100.2/24 dev eth1; ip -n h2 link set eth1 up; ip -n h2 link set lo up
ip link add vpa type veth peer name eth0 netns pa
ip addr add 10.2.1.1/24 dev vpa; ip link set vpa up
ip -n pa addr add 10.2.1.2/24 dev eth0; ip -n pa link set eth0 up; ip -n pa link set lo up; ip -n pa route add default via 10.2.1.1
ip -n h2 link add vpb type veth peer name eth0 netns pb
ip -n h2 addr add 10.2.3.1/24 dev vpb; ip -n h2 link set vpb up
ip -n pb addr add 10.2.3.10/24 dev eth0; ip -n pb link set eth0 up; ip -n pb link set lo up; ip -n pb route add default via 10.2.3.1
ip link add flannel.1 address 0e:00:00:00:01:00 type vxlan id 1 local 192.168.100.1 dev eth1 dstport 8472 nolearning
ip addr add 10.2.1.0/32 dev flannel.1; ip link set flannel.1 up
ip -n h2 link add flannel.1 address 0e:00:00:00:03:00 type vxlan id 1 local 192.168.100.2 dev eth1 dstport 8472 nolearning
ip -n h2 addr add 10.2.3.0/32 dev flannel.1; ip -n h2 link set flannel.1 up
ip route add 10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink
ip neigh add 10.2.3.0 lladdr 0e:00:00:00:03:00 dev flannel.1 nud permanent
bridge fdb add 0e:00:00:00:03:00 dev flannel.1 dst 192.168.100.2 self permanent
ip -n h2 route add 10.2.1.0/24 via 10.2.1.0 dev flannel.1 onlink
ip -n h2 neigh add 10.2.1.0 lladdr 0e:00:00:00:01:00 dev flannel.1 nud permanent
ip netns exec h2 bridge fdb add 0e:00:00:00:01:00 dev flannel.1 dst 192.168.100.1 self permanent
ip route add 10.96.0.0/12 via 192.168.100.2 dev eth1
# h2 has a filter table from the start (as every node has), so a test's DROP leaves none behind when it goes.
ip netns exec h2 iptables -P FORWARD ACCEPT
iptables-restore <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
:FLANNEL-POSTRTG - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A DOCKER -i vpa -j RETURN
-A DOCKER ! -i vpa -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.2.1.2:80
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.2.1.0/24 -d 10.2.0.0/16 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.2.0.0/16 -d 10.2.1.0/24 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG ! -s 10.2.0.0/16 -d 10.2.1.0/24 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.2.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
-A FLANNEL-POSTRTG ! -s 10.2.0.0/16 -d 10.2.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:FLANNEL-FWD - [0:0]
-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
-A FLANNEL-FWD -s 10.2.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
-A FLANNEL-FWD -d 10.2.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
COMMIT
RULES
nft -f - <<'RULES'
table ip kube-proxy {
	comment "rules for kube-proxy"
	set cluster-ips {
		type ipv4_addr
		comment "Active ClusterIPs"
		elements = { 10.96.100.10 }
	}
	map service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"
		elements = { 10.96.100.10 . tcp . 80 : goto service-SUSTUHLJ-default/web/tcp/http }
	}
	chain filter-forward {
		type filter hook forward priority -110; policy accept;
		ct state new jump cluster-ips-check
	}
	chain nat-prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump services
	}
	chain services {
		ip daddr . meta l4proto . th dport vmap @service-ips
	}
	chain cluster-ips-check {
		ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"
		ip daddr 10.96.0.0/12 drop comment "Drop traffic to unallocated ClusterIPs"
	}
	chain mark-for-masquerade {
		meta mark set meta mark | 0x00004000
	}
	chain endpoint-HGNPOIJ5-default/web/tcp/http__10.2.3.10/80 {
		ip saddr 10.2.3.10 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.2.3.10:80
	}
	chain service-SUSTUHLJ-default/web/tcp/http {
		ip daddr 10.96.100.10 tcp dport 80 ip saddr != 10.2.0.0/16 jump mark-for-masquerade
		numgen random mod 1 vmap { 0 : goto endpoint-HGNPOIJ5-default/web/tcp/http__10.2.3.10/80 }
	}
}
RULES
for ns in pa pb; do
  ip netns exec $ns setsid socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo hello' </dev/null >/dev/null 2>&1 &
done
for ns in pa pb; do
  for _ in $(seq 1 100); do ip netns exec $ns ss -ltn | grep -q ':80 ' && break; sleep 0.05; done
done
ip netns exec pa ping -c1 -W2 10.2.3.10 >/dev/null
`;

export const NAMESPACES = ['pa', 'host1', 'h2', 'pb'] as const;
export type TopologyNamespace = (typeof NAMESPACES)[number];

export interface TraceTopology {
  container: string;
  ns(name: TopologyNamespace): TraceNamespace;
  /** A shell command in the container's own namespace (host1), e.g. to change rules in others with `ip netns exec`. */
  sh(script: string): Promise<string>;
  remove(): Promise<void>;
}

const inNamespace = (name: TopologyNamespace, argv: string[]) => (name === 'host1' ? argv : ['ip', 'netns', 'exec', name, ...argv]);

export async function startTraceTopology(docker = new Docker()): Promise<TraceTopology> {
  const container = `podnet-test-trace-${randomBytes(4).toString('hex')}`;
  const c = await docker.createContainer({
    name: container,
    Image: NODE_IMAGE,
    Cmd: ['sleep', 'infinity'],
    Labels: { 'podnet.test': 'trace' },
    StopTimeout: 1,
    HostConfig: {
      // As lab hosts are run: no Docker network, the capabilities namespaces and netfilter need.
      NetworkMode: 'none',
      CapAdd: ['NET_ADMIN', 'NET_RAW', 'SYS_ADMIN'],
      SecurityOpt: ['apparmor=unconfined'],
      Sysctls: { 'net.ipv4.ip_forward': '1' },
      AutoRemove: true,
      Init: true,
    },
  });
  const remove = () => c.remove({ force: true }).then(() => undefined, () => undefined);
  try {
    await c.start();
    const sh = async (script: string) => {
      const r = await runExec(docker, container, ['bash', '-c', script]);
      if (r.code !== 0) throw new Error(`${script.trim().split('\n')[0]}…: exit ${r.code}: ${r.stderr.trim()}`);
      return r.stdout;
    };
    await sh(TOPOLOGY_SCRIPT);
    return {
      container,
      sh,
      ns: (name) => ({
        node: name,
        exec: (argv, opts) => runExec(docker, container, inNamespace(name, argv), opts),
        spawn: (argv, opts) => spawnExec(docker, container, inNamespace(name, argv), opts),
      }),
      remove,
    };
  } catch (e) {
    await remove();
    throw e;
  }
}
