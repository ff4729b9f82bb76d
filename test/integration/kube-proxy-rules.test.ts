// kube-proxy's rules (both modes) and the CNI portmap plugin's, loaded for
// real into a throw-away node (podnet/node:2: iptables 1.8.9 nf_tables,
// nft 1.0.6) that already has flannel's rules, and read back with
// iptables-save / nft list: what the lab writes is what a real node prints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cniPortmap } from '../../src/engine/plan/cni-portmap';
import { kubeProxyIptables, savedProbability } from '../../src/engine/plan/kube-proxy-iptables';
import { kubeProxyNftables } from '../../src/engine/plan/kube-proxy-nftables';
import { parseKubeServicesNft } from '../../src/engine/observe/parse-kube-nft';
import { parseKubeServicesIptables } from '../../src/engine/observe/parse-kube-services';
import type { ObservedServices } from '../../src/shared/services';
import { dockerProblem, skipFor } from '../helpers/prerequisites';
import { STICKY, WEB, WEB_LOCAL, exampleCluster, largerCluster } from '../helpers/kube-cluster';
import { startScratchNode, type ScratchNode } from '../helpers/scratch-node';

// flannel v0.28's --ip-masq rules for lease 10.244.1.0/24 (docs/networking.md, "flannel").
const FLANNEL = `*nat
:FLANNEL-POSTRTG - [0:0]
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
COMMIT
*filter
:FLANNEL-FWD - [0:0]
-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
-A FLANNEL-FWD -d 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
COMMIT
`;

// node1 of the example (web: NodePort, 3 endpoints; web-local: eTP=Local with
// its endpoint here; sticky: ClientIP; empty: no endpoints) on top of flannel.
const NODE1 = `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-IPTABLES-HINT - [0:0]
:KUBE-KUBELET-CANARY - [0:0]
:KUBE-PROXY-CANARY - [0:0]
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:FLANNEL-FWD - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-KUBELET-CANARY - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-CANARY - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SERVICES - [0:0]
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -j KUBE-FIREWALL
-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
-A FLANNEL-FWD -d 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/empty:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30082 -j REJECT --reject-with icmp-port-unreachable
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-SERVICES -d 10.96.100.13/32 -p tcp -m comment --comment "default/empty:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:FLANNEL-POSTRTG - [0:0]
:KUBE-EXT-CDGGSHYLG3RE2FKL - [0:0]
:KUBE-EXT-V7ZMVOA2AOW6ATRL - [0:0]
:KUBE-KUBELET-CANARY - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-PROXY-CANARY - [0:0]
:KUBE-SEP-3OLK2YUW6LHBC4UX - [0:0]
:KUBE-SEP-3TOCPSWRHNO3NYOA - [0:0]
:KUBE-SEP-AFGSLHOD2HFNCBX4 - [0:0]
:KUBE-SEP-DY76ZDMWORDP4GAT - [0:0]
:KUBE-SEP-X7KVDNDGP4OT4OZW - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-BJWR5DPVIKTHVKZU - [0:0]
:KUBE-SVC-CDGGSHYLG3RE2FKL - [0:0]
:KUBE-SVC-V7ZMVOA2AOW6ATRL - [0:0]
:KUBE-SVL-V7ZMVOA2AOW6ATRL - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
-A KUBE-EXT-CDGGSHYLG3RE2FKL -m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-CDGGSHYLG3RE2FKL -j KUBE-SVC-CDGGSHYLG3RE2FKL
-A KUBE-EXT-V7ZMVOA2AOW6ATRL -s 10.244.0.0/16 -m comment --comment "pod traffic for default/web-local:http external destinations" -j KUBE-SVC-V7ZMVOA2AOW6ATRL
-A KUBE-EXT-V7ZMVOA2AOW6ATRL -m comment --comment "masquerade LOCAL traffic for default/web-local:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-V7ZMVOA2AOW6ATRL -m comment --comment "route LOCAL traffic for default/web-local:http external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-V7ZMVOA2AOW6ATRL
-A KUBE-EXT-V7ZMVOA2AOW6ATRL -j KUBE-SVL-V7ZMVOA2AOW6ATRL
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j KUBE-EXT-CDGGSHYLG3RE2FKL
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web-local:http" -m tcp --dport 30081 -j KUBE-EXT-V7ZMVOA2AOW6ATRL
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-3OLK2YUW6LHBC4UX -s 10.244.2.6/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-3OLK2YUW6LHBC4UX -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.2.6:8080
-A KUBE-SEP-3TOCPSWRHNO3NYOA -s 10.244.1.8/32 -m comment --comment "default/web-local:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-3TOCPSWRHNO3NYOA -p tcp -m comment --comment "default/web-local:http" -m tcp -j DNAT --to-destination 10.244.1.8:8080
-A KUBE-SEP-AFGSLHOD2HFNCBX4 -s 10.244.1.5/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-AFGSLHOD2HFNCBX4 -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.1.5:8080
-A KUBE-SEP-DY76ZDMWORDP4GAT -s 10.244.3.7/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-DY76ZDMWORDP4GAT -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.3.7:8080
-A KUBE-SEP-X7KVDNDGP4OT4OZW -s 10.244.1.10/32 -m comment --comment "default/sticky" -j KUBE-MARK-MASQ
-A KUBE-SEP-X7KVDNDGP4OT4OZW -p tcp -m comment --comment "default/sticky" -m recent --set --name KUBE-SEP-X7KVDNDGP4OT4OZW --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.244.1.10:80
-A KUBE-SERVICES -d 10.96.100.12/32 -p tcp -m comment --comment "default/sticky cluster IP" -m tcp --dport 80 -j KUBE-SVC-BJWR5DPVIKTHVKZU
-A KUBE-SERVICES -d 10.96.100.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-CDGGSHYLG3RE2FKL
-A KUBE-SERVICES -d 10.96.100.11/32 -p tcp -m comment --comment "default/web-local:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-V7ZMVOA2AOW6ATRL
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-BJWR5DPVIKTHVKZU ! -s 10.244.0.0/16 -d 10.96.100.12/32 -p tcp -m comment --comment "default/sticky cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-BJWR5DPVIKTHVKZU -m comment --comment "default/sticky -> 10.244.1.10:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-X7KVDNDGP4OT4OZW --mask 255.255.255.255 --rsource -j KUBE-SEP-X7KVDNDGP4OT4OZW
-A KUBE-SVC-BJWR5DPVIKTHVKZU -m comment --comment "default/sticky -> 10.244.1.10:80" -j KUBE-SEP-X7KVDNDGP4OT4OZW
-A KUBE-SVC-CDGGSHYLG3RE2FKL ! -s 10.244.0.0/16 -d 10.96.100.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-AFGSLHOD2HFNCBX4
-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.2.6:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-3OLK2YUW6LHBC4UX
-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.3.7:8080" -j KUBE-SEP-DY76ZDMWORDP4GAT
-A KUBE-SVC-V7ZMVOA2AOW6ATRL ! -s 10.244.0.0/16 -d 10.96.100.11/32 -p tcp -m comment --comment "default/web-local:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-V7ZMVOA2AOW6ATRL -m comment --comment "default/web-local:http -> 10.244.1.8:8080" -j KUBE-SEP-3TOCPSWRHNO3NYOA
-A KUBE-SVL-V7ZMVOA2AOW6ATRL -m comment --comment "default/web-local:http -> 10.244.1.8:8080" -j KUBE-SEP-3TOCPSWRHNO3NYOA
COMMIT
`;

/** iptables-save without its "# Generated/Completed" lines (counters are all [0:0] in a fresh namespace). */
const SAVE = 'iptables-save | grep -v "^#"';
let caseNo = 0;
const netns = () => `case${++caseNo}`;

describe.skipIf(skipFor(await dockerProblem(), 'kube-proxy rules on a real node'))('kube-proxy rules on a real node', () => {
  let node: ScratchNode;
  beforeAll(async () => {
    node = await startScratchNode('kube-rules');
  });
  afterAll(async () => {
    await node?.remove();
  });

  async function ok(script: string, opts: { stdin?: string; netns?: string } = {}): Promise<string> {
    const r = await node.sh(script, opts);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  }

  describe('iptables mode', () => {
    it('node1: iptables-save prints exactly a real node’s tables, kube-proxy’s jumps ahead of flannel’s', async () => {
      const ns = netns();
      await ok('iptables-restore --noflush', { netns: ns, stdin: FLANNEL });
      await ok('iptables-restore --noflush', { netns: ns, stdin: kubeProxyIptables(exampleCluster(), 'node1').restore });
      expect(await ok(SAVE, { netns: ns })).toBe(NODE1);
    });

    it.each(['node2', 'node3'])('%s: what is printed is the generator’s own view of it (eTP=Local without a local endpoint)', async (name) => {
      const ns = netns();
      const rules = kubeProxyIptables(exampleCluster(), name);
      await ok('iptables-restore --noflush', { netns: ns, stdin: rules.restore });
      const printed = (await ok(SAVE, { netns: ns })).replace(/^:[A-Z]+ ACCEPT \[0:0\]\n/gm, '');
      expect(printed).toBe(rules.saved);
      expect(printed).toContain('"default/web-local:http has no local endpoints"');
    });

    it('later syncs rewrite the chains in place: loading `sync` twice changes nothing', async () => {
      const ns = netns();
      const rules = kubeProxyIptables(exampleCluster(), 'node1');
      await ok('iptables-restore --noflush', { netns: ns, stdin: FLANNEL });
      await ok('iptables-restore --noflush', { netns: ns, stdin: rules.restore });
      await ok('iptables-restore --noflush', { netns: ns, stdin: rules.sync });
      await ok('iptables-restore --noflush', { netns: ns, stdin: rules.sync });
      expect(await ok(SAVE, { netns: ns })).toBe(NODE1);
    });

    it('kube-proxy’s own input form (its argument order, --or-mark 0x004000, %0.10f) prints as the generator writes it', async () => {
      const ns = netns();
      const sep = 'KUBE-SEP-AFGSLHOD2HFNCBX4';
      const svc = 'KUBE-SVC-CDGGSHYLG3RE2FKL';
      // Lines as pkg/proxy/iptables/proxier.go writes them.
      const asKubeProxyWrites = [
        '*nat',
        `:KUBE-MARK-MASQ - [0:0]`,
        `:KUBE-POSTROUTING - [0:0]`,
        `:KUBE-SERVICES - [0:0]`,
        `:${svc} - [0:0]`,
        `:${sep} - [0:0]`,
        `:KUBE-PROB - [0:0]`,
        '-A KUBE-POSTROUTING -m mark ! --mark 0x004000/0x004000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --xor-mark 0x004000',
        '-A KUBE-MARK-MASQ -j MARK --or-mark 0x004000',
        `-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.100.10 --dport 80 -j ${svc}`,
        `-A ${svc} -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.100.10 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ`,
        `-A ${svc} -m comment --comment "default/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.3333333333 -j ${sep}`,
        `-A ${sep} -m comment --comment default/web:http -s 10.244.1.5 -j KUBE-MARK-MASQ`,
        `-A ${sep} -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.5:8080`,
        ...Array.from({ length: 19 }, (_, i) => `-A KUBE-PROB -m statistic --mode random --probability ${(1 / (i + 2)).toFixed(10)} -j RETURN`),
        'COMMIT',
        '',
      ].join('\n');
      await ok('iptables-restore --noflush', { netns: ns, stdin: asKubeProxyWrites });
      const printed = (await ok('iptables-save -t nat', { netns: ns })).split('\n');
      const generated = kubeProxyIptables(exampleCluster([WEB]), 'node1').saved.split('\n');
      const comparable = printed.filter((l) => /^-A (KUBE-POSTROUTING|KUBE-MARK-MASQ|KUBE-SERVICES|KUBE-SVC-|KUBE-SEP-)/.test(l));
      expect(comparable).toHaveLength(8);
      for (const line of comparable) expect(generated).toContain(line);
      const probabilities = printed.filter((l) => l.startsWith('-A KUBE-PROB')).map((l) => l.match(/--probability (\S+)/)![1]);
      expect(probabilities).toEqual(Array.from({ length: 19 }, (_, i) => savedProbability(i + 2)));
    });
  });

  describe('nftables mode', () => {
    const cluster = largerCluster();

    it.each(['node1', 'node2'])('%s: nft list table ip kube-proxy prints exactly the generated listing', async (name) => {
      const ns = netns();
      const rules = kubeProxyNftables(cluster, name);
      await ok('nft -f -', { netns: ns, stdin: rules.script });
      expect(await ok('nft list table ip kube-proxy', { netns: ns })).toBe(rules.listed);
    });

    it('loading the script again replaces the table whole', async () => {
      const ns = netns();
      const first = kubeProxyNftables(exampleCluster([WEB, STICKY]), 'node1');
      const second = kubeProxyNftables(exampleCluster([WEB_LOCAL]), 'node1');
      await ok('nft -f -', { netns: ns, stdin: first.script });
      await ok('nft -f -', { netns: ns, stdin: second.script });
      expect(await ok('nft list table ip kube-proxy', { netns: ns })).toBe(second.listed);
    });
  });

  describe('parsed back from the real tables', () => {
    it('both modes read back as the same services; deleting a KUBE-SEP rule in the kernel removes the endpoint', async () => {
      const cluster = largerCluster();
      const [v4, nf] = [netns(), netns()];
      await ok('iptables-restore --noflush', { netns: v4, stdin: kubeProxyIptables(cluster, 'node1').restore });
      await ok('nft -f -', { netns: nf, stdin: kubeProxyNftables(cluster, 'node1').script });
      const fromIptables = parseKubeServicesIptables(await ok('iptables-save', { netns: v4 }));
      const fromNft = parseKubeServicesNft(await ok('nft -j list table ip kube-proxy', { netns: nf }), await ok('nft list table ip kube-proxy', { netns: nf }));
      const essence = (o: ObservedServices) => o.services.map((svc) => svc.ports.map((p) => [p.servicePortName, p.clusterIP, p.port, p.nodePort, p.externalTrafficPolicy, p.affinityTimeoutSeconds, p.endpoints.map((e) => `${e.ip}:${e.port}`)]));
      expect(essence(fromNft)).toEqual(essence(fromIptables));
      expect(fromIptables.services).toHaveLength(7);

      await ok('iptables -t nat -D KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.2.6:8080" -m statistic --mode random --probability 0.5 -j KUBE-SEP-3OLK2YUW6LHBC4UX', { netns: v4 });
      const after = parseKubeServicesIptables(await ok('iptables-save', { netns: v4 }));
      const web = after.services.find((svc) => svc.name === 'web')!.ports[0]!;
      expect(web.endpoints.map((e) => `${e.ip} ${e.share.toFixed(4)}`)).toEqual(['10.244.1.5 0.3333', '10.244.3.7 0.6667']);
    });
  });

  describe('hostPort (CNI portmap) beside kube-proxy and flannel', () => {
    it('MASQ jump first in POSTROUTING, DNAT jumps after KUBE-SERVICES, chains as generated', async () => {
      const ns = netns();
      const pm = cniPortmap(
        [{ ip: '10.244.1.5', prefixLen: 24, containerId: '3f1c2d4e5a6b7c8d9e0f11223344556677889900aabbccddeeff001122334455', mappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] }],
        { hostInterface: 'cni0' },
      );
      await ok('iptables-restore --noflush', { netns: ns, stdin: FLANNEL });
      // kube-proxy's and the plugin's rules in one restore, kube-proxy first as on a node.
      await ok('iptables-restore --noflush', { netns: ns, stdin: kubeProxyIptables(exampleCluster([WEB]), 'node1').restore + pm.restore });
      const nat = (await ok('iptables-save -t nat', { netns: ns })).split('\n');
      const jumps = (chain: string) => nat.filter((l) => l.startsWith(`-A ${chain} `)).map((l) => l.replace(/.* -j /, ''));
      expect(jumps('POSTROUTING')).toEqual(['CNI-HOSTPORT-MASQ', 'KUBE-POSTROUTING', 'FLANNEL-POSTRTG']);
      expect(jumps('PREROUTING')).toEqual(['KUBE-SERVICES', 'CNI-HOSTPORT-DNAT']);
      expect(jumps('OUTPUT')).toEqual(['KUBE-SERVICES', 'CNI-HOSTPORT-DNAT']);
      for (const line of pm.saved.split('\n').filter((l) => l.startsWith('-A ') || l.startsWith(':'))) expect(nat).toContain(line);
    });
  });
});
