import { describe, expect, it } from 'vitest';
import { kubeProxyNftables } from '../../src/engine/plan/kube-proxy-nftables';
import { nftDuration, nftElementOrder } from '../../src/engine/plan/nft-listing';
import type { KubePodInput } from '../../src/engine/kube/service-types';
import { EMPTY, PODS, STICKY, WEB, WEB_LOCAL, exampleCluster } from '../helpers/kube-cluster';

// docs/networking.md, "kube-proxy, nftables mode" [verified with nft 1.0.6]:
// a ClusterIP service with 2 endpoints, cluster CIDR 10.244.0.0/16, service CIDR 10.96.0.0/12.
const DOCUMENTED = `table ip kube-proxy {
	comment "rules for kube-proxy"
	set cluster-ips {
		type ipv4_addr
		comment "Active ClusterIPs"
		elements = { 10.96.100.10 }
	}

	map no-endpoint-services {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "vmap to drop or reject packets to services with no endpoints"
	}

	map no-endpoint-nodeports {
		type inet_proto . inet_service : verdict
		comment "vmap to drop or reject packets to service nodeports with no endpoints"
	}

	map firewall-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "destinations that are subject to LoadBalancerSourceRanges"
	}

	map service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"
		elements = { 10.96.100.10 . tcp . 80 : goto service-SUSTUHLJ-default/web/tcp/http }
	}

	map service-nodeports {
		type inet_proto . inet_service : verdict
		comment "NodePort traffic"
	}

	chain filter-prerouting {
		type filter hook prerouting priority dstnat - 10; policy accept;
		ct state new jump firewall-check
	}

	chain filter-input {
		type filter hook input priority -110; policy accept;
		ct state new jump nodeport-endpoints-check
		ct state new jump service-endpoints-check
	}

	chain filter-forward {
		type filter hook forward priority -110; policy accept;
		ct state new jump service-endpoints-check
		ct state new jump cluster-ips-check
	}

	chain filter-output {
		type filter hook output priority -110; policy accept;
		ct state new jump service-endpoints-check
		ct state new jump firewall-check
	}

	chain filter-output-post-dnat {
		type filter hook output priority -90; policy accept;
		ct state new jump cluster-ips-check
	}

	chain nat-prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump services
	}

	chain nat-output {
		type nat hook output priority -100; policy accept;
		jump services
	}

	chain nat-postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		jump masquerading
	}

	chain nodeport-endpoints-check {
		ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports
	}

	chain service-endpoints-check {
		ip daddr . meta l4proto . th dport vmap @no-endpoint-services
	}

	chain firewall-check {
		ip daddr . meta l4proto . th dport vmap @firewall-ips
	}

	chain services {
		ip daddr . meta l4proto . th dport vmap @service-ips
		fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports
	}

	chain masquerading {
		meta mark & 0x00004000 == 0x00000000 return
		meta mark set meta mark ^ 0x00004000
		masquerade fully-random
	}

	chain cluster-ips-check {
		ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"
		ip daddr 10.96.0.0/12 drop comment "Drop traffic to unallocated ClusterIPs"
	}

	chain mark-for-masquerade {
		meta mark set meta mark | 0x00004000
	}

	chain reject-chain {
		comment "helper for @no-endpoint-services / @no-endpoint-nodeports"
		reject
	}

	chain endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080 {
		ip saddr 10.244.1.5 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.244.1.5:8080
	}

	chain endpoint-LRPR4IZA-default/web/tcp/http__10.244.2.6/8080 {
		ip saddr 10.244.2.6 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.244.2.6:8080
	}

	chain service-SUSTUHLJ-default/web/tcp/http {
		ip daddr 10.96.100.10 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
		numgen random mod 2 vmap { 0 : goto endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080, 1 : goto endpoint-LRPR4IZA-default/web/tcp/http__10.244.2.6/8080 }
	}
}
`;

const twoEndpointPods: KubePodInput[] = PODS.filter((p) => p.name !== 'web-3');
const chainOf = (listed: string, name: string) => {
  const start = listed.indexOf(`\tchain ${name} {`);
  if (start < 0) throw new Error(`no chain ${name}`);
  return listed.slice(start, listed.indexOf('\t}', start) + 2);
};

describe('kube-proxy nftables mode', () => {
  it('lists the documented table for a ClusterIP service with two endpoints, line for line', () => {
    const cluster = exampleCluster([{ ...WEB, type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }], { pods: twoEndpointPods });
    expect(kubeProxyNftables(cluster, 'node1').listed).toBe(DOCUMENTED);
  });

  it('writes the input as knftables does: the table replaced, base chains re-created with numeric priorities, rules added', () => {
    const { script } = kubeProxyNftables(exampleCluster([WEB]), 'node1');
    const lines = script.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['add table ip kube-proxy', 'delete table ip kube-proxy', 'add table ip kube-proxy { comment "rules for kube-proxy" ; }']);
    expect(lines).toContain('add chain ip kube-proxy filter-input { type filter hook input priority -110 ; }');
    expect(lines).toContain('add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }');
    expect(lines).toContain('add set ip kube-proxy cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }');
    expect(lines).toContain('add element ip kube-proxy service-nodeports { tcp . 30080 : goto external-SUSTUHLJ-default/web/tcp/http }');
    expect(lines).toContain('add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"');
    expect(lines.indexOf('add chain ip kube-proxy filter-input')).toBeLessThan(lines.indexOf('delete chain ip kube-proxy filter-input'));
  });

  it('NodePort, eTP=Cluster: the node port in service-nodeports, external chain marks then goes to the service chain', () => {
    const { listed } = kubeProxyNftables(exampleCluster([WEB]), 'node1');
    expect(listed).toContain('elements = { tcp . 30080 : goto external-SUSTUHLJ-default/web/tcp/http }');
    expect(chainOf(listed, 'external-SUSTUHLJ-default/web/tcp/http')).toBe('\tchain external-SUSTUHLJ-default/web/tcp/http {\n\t\tjump mark-for-masquerade\n\t\tgoto service-SUSTUHLJ-default/web/tcp/http\n\t}');
    expect(listed).toContain('numgen random mod 3 vmap { 0 : goto endpoint-');
  });

  it('eTP=Local: short-circuits for pods and the node, the local chain where an endpoint is local, a drop where none is', () => {
    const here = kubeProxyNftables(exampleCluster([WEB_LOCAL]), 'node1').listed;
    expect(chainOf(here, 'external-MW3VTDQO-default/web-local/tcp/http')).toBe(
      [
        '\tchain external-MW3VTDQO-default/web-local/tcp/http {',
        '\t\tip saddr 10.244.0.0/16 goto service-MW3VTDQO-default/web-local/tcp/http comment "short-circuit pod traffic"',
        '\t\tfib saddr type local jump mark-for-masquerade comment "masquerade local traffic"',
        '\t\tfib saddr type local goto service-MW3VTDQO-default/web-local/tcp/http comment "short-circuit local traffic"',
        '\t\tgoto local-MW3VTDQO-default/web-local/tcp/http',
        '\t}',
      ].join('\n'),
    );
    expect(here).toContain('\tchain local-MW3VTDQO-default/web-local/tcp/http {\n\t\tnumgen random mod 1 vmap { 0 : goto endpoint-');
    const there = kubeProxyNftables(exampleCluster([WEB_LOCAL]), 'node2').listed;
    expect(there).not.toContain('chain local-');
    expect(there).not.toContain('goto local-');
    expect(there).toContain('elements = { tcp . 30081 comment "default/web-local:http" : drop }');
  });

  it('ClientIP: an affinity set per endpoint (dynamic, timeout 3h), checked before numgen and updated in the endpoint chain', () => {
    const { listed } = kubeProxyNftables(exampleCluster([STICKY]), 'node1');
    const set = 'affinity-V5SD72BG-default/sticky/tcp/__10.244.1.10/80';
    expect(listed).toContain(`\tset ${set} {\n\t\ttype ipv4_addr\n\t\tsize 65535\n\t\tflags dynamic,timeout\n\t\ttimeout 3h\n\t}`);
    expect(chainOf(listed, 'service-EDE2N7RF-default/sticky/tcp/')).toContain(`\t\tip saddr @${set} goto endpoint-V5SD72BG-default/sticky/tcp/__10.244.1.10/80\n\t\tnumgen random mod 1`);
    expect(chainOf(listed, 'endpoint-V5SD72BG-default/sticky/tcp/__10.244.1.10/80')).toContain(`\t\tupdate @${set} { ip saddr }\n\t\tmeta l4proto tcp dnat to 10.244.1.10:80`);
  });

  it('no endpoints: the ClusterIP and the node port go to reject-chain, with the service port as comment', () => {
    const { listed } = kubeProxyNftables(exampleCluster([EMPTY]), 'node1');
    expect(listed).toContain('elements = { 10.96.100.13 . tcp . 80 comment "default/empty:http" : goto reject-chain }');
    expect(listed).toContain('elements = { tcp . 30082 comment "default/empty:http" : goto reject-chain }');
    expect(listed).toContain('elements = { 10.96.100.13 }');
    expect(listed).not.toMatch(/chain (service|endpoint)-[A-Z0-9]{8}-/);
  });

  it('another masquerade bit and masqueradeAll change the marks and the masquerade rule', () => {
    const { listed } = kubeProxyNftables(exampleCluster([WEB]), 'node1', { masqueradeBit: 15, masqueradeAll: true });
    expect(listed).toContain('meta mark set meta mark | 0x00008000');
    expect(listed).toContain('\t\tip daddr 10.96.100.10 tcp dport 80 jump mark-for-masquerade\n');
  });
});

describe('a table of another name (shared machines)', () => {
  it('names every command and the listing after it, and refuses a name nft would not take', () => {
    const { script, listed } = kubeProxyNftables(exampleCluster([WEB]), 'node1', { table: 'pn-kube-proxy' });
    expect(script.split('\n').filter(Boolean).every((l) => / ip pn-kube-proxy( |$)/.test(l))).toBe(true);
    expect(listed.startsWith('table ip pn-kube-proxy {\n')).toBe(true);
    expect(() => kubeProxyNftables(exampleCluster([WEB]), 'node1', { table: 'x; flush ruleset' })).toThrow(/not a table name/);
  });
});

describe('nft listing conventions', () => {
  it('sorts concatenated keys by their bytes read little-endian, single values by number', () => {
    expect(['udp . 30001 : drop', 'tcp . 30002 : drop', 'tcp . 30001 comment "x" : drop'].sort(nftElementOrder)).toEqual(['tcp . 30001 comment "x" : drop', 'udp . 30001 : drop', 'tcp . 30002 : drop']);
    expect(['10.96.0.10 . tcp . 53 : x', '10.96.0.1 . tcp . 443 : x', '10.96.0.10 . udp . 53 : x'].sort(nftElementOrder)).toEqual(['10.96.0.10 . tcp . 53 : x', '10.96.0.10 . udp . 53 : x', '10.96.0.1 . tcp . 443 : x']);
    expect(['192.168.1.1', '10.0.0.1', '1.2.3.4'].sort(nftElementOrder)).toEqual(['1.2.3.4', '10.0.0.1', '192.168.1.1']);
  });

  it('prints timeouts in its largest units', () => {
    expect([10800, 90, 86400, 3700, 1].map(nftDuration)).toEqual(['3h', '1m30s', '1d', '1h1m40s', '1s']);
  });
});
