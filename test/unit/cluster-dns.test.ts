import { describe, expect, it } from 'vitest';
import { resolveCluster } from '../../src/engine/kube/service-model';
import { clusterDns, dnsmasqArgv, kubeadmCorefile, podResolvConf } from '../../src/engine/plan/cluster-dns';
import { CLUSTER_CIDR, COREDNS, PODS, STICKY, WEB } from '../helpers/kube-cluster';

// docs/networking.md, "Cluster DNS and the pod's resolv.conf": kubeadm's Corefile.
const KUBEADM_COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;

const HEADLESS = { name: 'db', namespace: 'shop', type: 'headless' as const, selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] };
const DB_PODS = [
  { name: 'db-0', namespace: 'shop', labels: { app: 'db' }, ip: '10.244.1.20', node: 'node1', serve: 5432 },
  { name: 'db-1', namespace: 'shop', labels: { app: 'db' }, ip: '10.244.2.20', node: 'node2', serve: 5432 },
  { name: 'db-2', namespace: 'shop', labels: { app: 'db' }, ip: '10.244.3.20', node: 'node3', serve: 5432 },
];

function dnsOf() {
  const { cluster } = resolveCluster({ clusterCidr: CLUSTER_CIDR, pods: [...PODS, COREDNS, ...DB_PODS], services: [WEB, STICKY, HEADLESS], apiServer: { ip: '192.168.56.11', port: 6443, node: 'node1' } });
  return clusterDns(cluster);
}

describe('cluster DNS records (as CoreDNS serves them)', () => {
  const dns = dnsOf();
  const named = (name: string) => dns.records.filter((r) => r.name === name);

  it('A and PTR for every ClusterIP, kubernetes and kube-dns included', () => {
    expect(dns.serviceIp).toBe('10.96.0.10');
    expect(named('web.default.svc.cluster.local')).toEqual([{ name: 'web.default.svc.cluster.local', type: 'A', address: '10.96.100.10' }]);
    expect(named('10.100.96.10.in-addr.arpa')).toEqual([{ name: '10.100.96.10.in-addr.arpa', type: 'PTR', target: 'web.default.svc.cluster.local' }]);
    expect(named('kubernetes.default.svc.cluster.local')).toEqual([{ name: 'kubernetes.default.svc.cluster.local', type: 'A', address: '10.96.0.1' }]);
    expect(named('kube-dns.kube-system.svc.cluster.local')).toEqual([{ name: 'kube-dns.kube-system.svc.cluster.local', type: 'A', address: '10.96.0.10' }]);
  });

  it('SRV for named ports: the service port and the service name for a ClusterIP service', () => {
    expect(named('_http._tcp.web.default.svc.cluster.local')).toEqual([{ name: '_http._tcp.web.default.svc.cluster.local', type: 'SRV', priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
    expect(named('_dns._udp.kube-dns.kube-system.svc.cluster.local')).toHaveLength(1);
    expect(named('_dns-tcp._tcp.kube-dns.kube-system.svc.cluster.local')).toHaveLength(1);
    expect(dns.records.filter((r) => r.name.includes('sticky') && r.type === 'SRV')).toEqual([]);
  });

  it('headless: one A per endpoint, SRV per endpoint with its port and weight ⌊100/N⌋, no PTR', () => {
    expect(named('db.shop.svc.cluster.local').map((r) => (r.type === 'A' ? r.address : ''))).toEqual(['10.244.1.20', '10.244.2.20', '10.244.3.20']);
    expect(named('_pg._tcp.db.shop.svc.cluster.local')).toEqual(
      ['10-244-1-20', '10-244-2-20', '10-244-3-20'].map((d) => ({ name: '_pg._tcp.db.shop.svc.cluster.local', type: 'SRV', priority: 0, weight: 33, port: 5432, target: `${d}.db.shop.svc.cluster.local` })),
    );
    expect(dns.records.filter((r) => r.type === 'PTR').map((r) => r.name)).not.toContain('20.1.244.10.in-addr.arpa');
  });

  it('endpoint names for every service, pod names in every namespace', () => {
    expect(named('10-244-2-6.web.default.svc.cluster.local')).toEqual([{ name: '10-244-2-6.web.default.svc.cluster.local', type: 'A', address: '10.244.2.6' }]);
    expect(named('10-244-1-20.db.shop.svc.cluster.local')).toHaveLength(1);
    for (const ns of ['default', 'kube-system', 'shop']) expect(named(`10-244-1-5.${ns}.pod.cluster.local`)).toHaveLength(1);
  });
});

describe('dnsmasq configuration', () => {
  const conf = dnsOf().dnsmasqConf.split('\n');

  it('no upstream, the domain answered locally with TTL 30', () => {
    expect(conf.slice(2, 8)).toEqual(['no-resolv', 'no-hosts', 'local=/cluster.local/', 'bogus-priv', 'local-ttl=30', 'port=53']);
  });

  it('host-record for ClusterIPs (A + PTR), dns-rr for A records without PTR, srv-host for SRV', () => {
    expect(conf).toContain('host-record=web.default.svc.cluster.local,10.96.100.10');
    expect(conf).toContain('dns-rr=db.shop.svc.cluster.local,1,0af40114');
    expect(conf).toContain('dns-rr=10-244-1-5.default.pod.cluster.local,1,0af40105');
    expect(conf).toContain('srv-host=_http._tcp.web.default.svc.cluster.local,web.default.svc.cluster.local,80,0,100');
    expect(conf).toContain('srv-host=_pg._tcp.db.shop.svc.cluster.local,10-244-2-20.db.shop.svc.cluster.local,5432,0,33');
    expect(conf.filter((l) => l.startsWith('host-record=')).length).toBe(4); // kubernetes, sticky, web, kube-dns
  });

  it('runs in the foreground with its queries logged', () => {
    expect(dnsmasqArgv('/etc/podnet/dns/dnsmasq.conf')).toEqual(['dnsmasq', '--keep-in-foreground', '--conf-file=/etc/podnet/dns/dnsmasq.conf', '--log-facility=-', '--log-queries']);
  });
});

describe('what the learner is shown', () => {
  it('kubeadm’s Corefile, the cluster domain put in', () => {
    expect(kubeadmCorefile('cluster.local')).toBe(KUBEADM_COREFILE);
    expect(kubeadmCorefile('lab.test')).toContain('kubernetes lab.test in-addr.arpa ip6.arpa {');
  });

  it('a ClusterFirst pod’s resolv.conf as kubelet and containerd write it', () => {
    expect(podResolvConf('default', '10.96.0.10', 'cluster.local')).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    expect(podResolvConf('shop', '10.96.0.10', 'cluster.local', ['lab.example', 'cluster.local'])).toBe('search shop.svc.cluster.local svc.cluster.local cluster.local lab.example\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('refuses a cluster without DNS', () => {
    const { cluster } = resolveCluster({ clusterCidr: CLUSTER_CIDR, pods: PODS, services: [], dns: false });
    expect(() => clusterDns(cluster)).toThrow(/no DNS service/);
  });
});
