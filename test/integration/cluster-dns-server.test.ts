// The cluster DNS for real: dnsmasq started with the generated configuration
// (and the argv a lab uses) in a throw-away podnet/node:2, listening on the
// kube-dns ClusterIP, asked with dig for every kind of record CoreDNS serves,
// and by glibc through a pod's resolv.conf (search list, ndots:5).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveCluster } from '../../src/engine/kube/service-model';
import { clusterDns, dnsmasqArgv, podResolvConf } from '../../src/engine/plan/cluster-dns';
import { dockerProblem, skipFor } from '../helpers/prerequisites';
import { CLUSTER_CIDR, COREDNS, PODS, STICKY, WEB } from '../helpers/kube-cluster';
import { startScratchNode, type ScratchNode } from '../helpers/scratch-node';

const DB_PODS = ['10.244.1.20', '10.244.2.20', '10.244.3.20'].map((ip, i) => ({ name: `db-${i}`, namespace: 'shop', labels: { app: 'db' }, ip, node: `node${i + 1}`, serve: 5432 }));
const { cluster } = resolveCluster({
  clusterCidr: CLUSTER_CIDR,
  pods: [...PODS, COREDNS, ...DB_PODS],
  services: [WEB, STICKY, { name: 'db', namespace: 'shop', type: 'headless', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] }],
  apiServer: { ip: '192.168.56.11', port: 6443, node: 'node1' },
});
const dns = clusterDns(cluster);
const NS = 'dns';
const CONF = '/tmp/kube-dns/dnsmasq.conf';
const LOG = '/tmp/kube-dns/dnsmasq.log';

describe.skipIf(skipFor(await dockerProblem(), 'cluster DNS server'))('cluster DNS served by dnsmasq', () => {
  let node: ScratchNode;

  async function sh(script: string, stdin?: string): Promise<string> {
    const r = await node.sh(script, { netns: NS, ...(stdin !== undefined ? { stdin } : {}) });
    if (r.code !== 0) throw new Error(`${script}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  }
  /** dig's answer section: `name ttl class type data` lines. */
  const answer = async (args: string) => (await sh(`dig @${dns.serviceIp} +noall +answer ${args}`)).trim().split('\n').filter(Boolean).map((l) => l.split(/\s+/).join(' '));
  const status = async (args: string) => /status: (\w+)/.exec(await sh(`dig @${dns.serviceIp} ${args}`))![1];

  beforeAll(async () => {
    node = await startScratchNode('kube-dns');
    // The server pod's address stands in for kube-proxy's DNAT of 10.96.0.10:53.
    await sh(`ip link set lo up && ip addr add ${dns.serviceIp}/32 dev lo && mkdir -p /tmp/kube-dns && cat > ${CONF}`, dns.dnsmasqConf);
    await sh(`setsid ${dnsmasqArgv(CONF).join(' ')} > ${LOG} 2>&1 < /dev/null &`);
    await vi.waitFor(
      async () => {
        if ((await status('kube-dns.kube-system.svc.cluster.local')) !== 'NOERROR') throw new Error('dnsmasq is not answering yet');
      },
      { timeout: 10_000, interval: 100 },
    );
  });
  afterAll(async () => {
    await node?.remove();
  });

  it('A for a ClusterIP service, with the TTL of the kubeadm Corefile, over UDP and TCP', async () => {
    expect(await answer('web.default.svc.cluster.local A')).toEqual(['web.default.svc.cluster.local. 30 IN A 10.96.100.10']);
    expect(await answer('+tcp kubernetes.default.svc.cluster.local A')).toEqual(['kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1']);
    expect(await answer('kube-dns.kube-system.svc.cluster.local A')).toEqual(['kube-dns.kube-system.svc.cluster.local. 30 IN A 10.96.0.10']);
  });

  it('AAAA of an IPv4-only name: NOERROR without an answer; an unknown name: NXDOMAIN', async () => {
    expect(await status('web.default.svc.cluster.local AAAA')).toBe('NOERROR');
    expect(await answer('web.default.svc.cluster.local AAAA')).toEqual([]);
    expect(await status('nope.default.svc.cluster.local A')).toBe('NXDOMAIN');
    expect(await status('x.web.default.svc.cluster.local A')).toBe('NXDOMAIN');
  });

  it('SRV for named ports', async () => {
    expect(await answer('_http._tcp.web.default.svc.cluster.local SRV')).toEqual(['_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 web.default.svc.cluster.local.']);
    expect(await answer('_dns._udp.kube-dns.kube-system.svc.cluster.local SRV')).toEqual(['_dns._udp.kube-dns.kube-system.svc.cluster.local. 30 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local.']);
    expect(await answer('_https._tcp.kubernetes.default.svc.cluster.local SRV')).toEqual(['_https._tcp.kubernetes.default.svc.cluster.local. 30 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.']);
  });

  it('a headless service: one A per endpoint, one SRV per endpoint with its port and weight 33', async () => {
    expect((await answer('db.shop.svc.cluster.local A')).sort()).toEqual(DB_PODS.map((p) => `db.shop.svc.cluster.local. 30 IN A ${p.ip}`));
    expect((await answer('_pg._tcp.db.shop.svc.cluster.local SRV')).sort()).toEqual(
      ['10-244-1-20', '10-244-2-20', '10-244-3-20'].map((d) => `_pg._tcp.db.shop.svc.cluster.local. 30 IN SRV 0 33 5432 ${d}.db.shop.svc.cluster.local.`),
    );
    expect(await answer('10-244-2-20.db.shop.svc.cluster.local A')).toEqual(['10-244-2-20.db.shop.svc.cluster.local. 30 IN A 10.244.2.20']);
  });

  it('endpoint and pod records', async () => {
    expect(await answer('10-244-2-6.web.default.svc.cluster.local A')).toEqual(['10-244-2-6.web.default.svc.cluster.local. 30 IN A 10.244.2.6']);
    expect(await answer('10-244-1-5.default.pod.cluster.local A')).toEqual(['10-244-1-5.default.pod.cluster.local. 30 IN A 10.244.1.5']);
    expect(await answer('10-244-1-5.shop.pod.cluster.local A')).toEqual(['10-244-1-5.shop.pod.cluster.local. 30 IN A 10.244.1.5']);
  });

  it('PTR for a ClusterIP; none for a pod address (NXDOMAIN, no upstream to ask)', async () => {
    expect(await answer('-x 10.96.100.10')).toEqual(['10.100.96.10.in-addr.arpa. 30 IN PTR web.default.svc.cluster.local.']);
    expect(await answer('-x 10.96.0.10')).toEqual(['10.0.96.10.in-addr.arpa. 30 IN PTR kube-dns.kube-system.svc.cluster.local.']);
    expect(await status('-x 10.244.1.20')).toBe('NXDOMAIN');
    expect(await status('-x 10.96.7.7')).toBe('NXDOMAIN');
  });

  it('a pod’s resolv.conf: short names resolve through the search list, ndots:5 tries it first', async () => {
    await sh(`mkdir -p /etc/netns/${NS} && cat > /etc/netns/${NS}/resolv.conf`, podResolvConf('default', dns.serviceIp, dns.domain));
    expect(await sh('cat /etc/resolv.conf')).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    expect((await sh('getent ahostsv4 web | head -1')).split(/\s+/)[0]).toBe('10.96.100.10');
    expect((await sh('getent ahostsv4 web.default | head -1')).split(/\s+/)[0]).toBe('10.96.100.10');
    expect((await sh('getent ahostsv4 web.default.svc.cluster.local | head -1')).split(/\s+/)[0]).toBe('10.96.100.10');
    // ndots:5: a name with fewer than five dots goes through the search list before it is tried as it is.
    await expect.poll(() => sh(`cat ${LOG}`)).toContain('query[A] web.default.svc.cluster.local.default.svc.cluster.local');

    await sh(`cat > /etc/netns/${NS}/resolv.conf`, podResolvConf('shop', dns.serviceIp, dns.domain));
    const db = (await sh('getent ahostsv4 db')).split('\n').map((l) => l.split(/\s+/)[0]);
    expect(DB_PODS.map((p) => p.ip)).toContain(db[0]);
    expect((await sh('getent ahostsv4 web.default | head -1')).split(/\s+/)[0]).toBe('10.96.100.10');
  });
});
