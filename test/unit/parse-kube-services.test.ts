import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKubeServicesNft } from '../../src/engine/observe/parse-kube-nft';
import { parseKubeServicesIptables } from '../../src/engine/observe/parse-kube-services';
import { ruleWords } from '../../src/engine/observe/iptables-rule';
import { kubeProxyIptables } from '../../src/engine/plan/kube-proxy-iptables';
import { kubeProxyNftables } from '../../src/engine/plan/kube-proxy-nftables';
import type { ObservedServicePort, ObservedServices } from '../../src/shared/services';
import { WEB, exampleCluster, largerCluster } from '../helpers/kube-cluster';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const nftJson = readFileSync(new URL('kube-proxy-nft-node1.json', FIXTURES), 'utf8');
const nftText = readFileSync(new URL('kube-proxy-nft-node1.txt', FIXTURES), 'utf8');

const port = (observed: ObservedServices, spn: string): ObservedServicePort => {
  const p = observed.services.flatMap((s) => s.ports).find((x) => x.servicePortName === spn);
  if (!p) throw new Error(`no ${spn} in ${observed.services.map((s) => s.name).join(', ')}`);
  return p;
};
/** What both modes must agree on (not chains, rules or iptables' printed probabilities). */
const essence = (o: ObservedServices) =>
  o.services.map((s) => ({
    service: `${s.namespace}/${s.name} ${s.type}`,
    ports: s.ports.map((p) => ({
      spn: p.servicePortName,
      at: `${p.clusterIP}:${p.port}/${p.protocol} node port ${p.nodePort}`,
      endpoints: p.endpoints.map((e) => `${e.ip}:${e.port} ${e.share.toFixed(3)}`),
      local: p.localEndpoints?.map((e) => `${e.ip}:${e.port}`) ?? null,
      policy: p.externalTrafficPolicy,
      affinity: p.affinityTimeoutSeconds,
      noEndpoints: p.noEndpoints,
    })),
  }));

describe('iptables-save → services', () => {
  const saved = kubeProxyIptables(exampleCluster(), 'node1').saved;
  const observed = parseKubeServicesIptables(saved);

  it('finds every service port with its VIP, node port, endpoints, probabilities and shares', () => {
    expect(observed.mode).toBe('iptables');
    expect(observed.services.map((s) => `${s.namespace}/${s.name} ${s.type}`)).toEqual(['default/empty NodePort', 'default/sticky ClusterIP', 'default/web NodePort', 'default/web-local NodePort']);
    const web = port(observed, 'default/web:http');
    expect(web).toMatchObject({ portName: 'http', protocol: 'tcp', clusterIP: '10.96.100.10', port: 80, nodePort: 30080, externalTrafficPolicy: 'Cluster', affinityTimeoutSeconds: null, localEndpoints: null });
    expect(web.endpoints.map((e) => [e.ip, e.port, e.probability, e.chain])).toEqual([
      ['10.244.1.5', 8080, 0.33333333349, 'KUBE-SEP-AFGSLHOD2HFNCBX4'],
      ['10.244.2.6', 8080, 0.5, 'KUBE-SEP-3OLK2YUW6LHBC4UX'],
      ['10.244.3.7', 8080, null, 'KUBE-SEP-DY76ZDMWORDP4GAT'],
    ]);
    expect(web.endpoints.map((e) => e.share.toFixed(4))).toEqual(['0.3333', '0.3333', '0.3333']);
    expect(web.chains).toEqual(['KUBE-SVC-CDGGSHYLG3RE2FKL', 'KUBE-SEP-AFGSLHOD2HFNCBX4', 'KUBE-SEP-3OLK2YUW6LHBC4UX', 'KUBE-SEP-DY76ZDMWORDP4GAT', 'KUBE-EXT-CDGGSHYLG3RE2FKL']);
    expect(web.rules[0]).toBe('-A KUBE-SERVICES -d 10.96.100.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-CDGGSHYLG3RE2FKL');
    expect(web.rules).toContain('-A KUBE-SEP-DY76ZDMWORDP4GAT -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.3.7:8080');
  });

  it('eTP=Local: the policy and the local endpoints; ClientIP: the timeout; no endpoints: REJECT for both', () => {
    expect(port(observed, 'default/web-local:http')).toMatchObject({ externalTrafficPolicy: 'Local', nodePort: 30081, localEndpoints: [{ ip: '10.244.1.8', port: 8080, probability: null, share: 1 }] });
    expect(port(observed, 'default/sticky')).toMatchObject({ portName: '', affinityTimeoutSeconds: 10800, endpoints: [{ ip: '10.244.1.10', port: 80 }] });
    expect(port(observed, 'default/empty:http')).toMatchObject({ clusterIP: '10.96.100.13', port: 80, nodePort: 30082, endpoints: [], noEndpoints: { clusterIP: 'reject', nodePort: 'reject' }, externalTrafficPolicy: 'Cluster' });
    const node2 = parseKubeServicesIptables(kubeProxyIptables(exampleCluster(), 'node2').saved);
    expect(port(node2, 'default/web-local:http')).toMatchObject({ externalTrafficPolicy: 'Local', localEndpoints: [], noEndpoints: { clusterIP: null, nodePort: 'drop' } });
  });

  it('deleting one KUBE-SEP jump removes that endpoint; the others’ shares follow the rules left', () => {
    const without = saved.replace(/^-A KUBE-SVC-CDGGSHYLG3RE2FKL .*-j KUBE-SEP-3OLK2YUW6LHBC4UX\n/m, '');
    expect(without).not.toBe(saved);
    const web = port(parseKubeServicesIptables(without), 'default/web:http');
    expect(web.endpoints.map((e) => `${e.ip} ${e.share.toFixed(4)}`)).toEqual(['10.244.1.5 0.3333', '10.244.3.7 0.6667']);
  });

  it('deleting a KUBE-SEP chain’s DNAT rule removes that endpoint too (the packet falls through to the next rule)', () => {
    const without = saved.replace(/^-A KUBE-SEP-AFGSLHOD2HFNCBX4 -p tcp .*\n/m, '');
    expect(without).not.toBe(saved);
    const web = port(parseKubeServicesIptables(without), 'default/web:http');
    expect(web.endpoints.map((e) => `${e.ip} ${e.share.toFixed(4)}`)).toEqual(['10.244.2.6 0.5000', '10.244.3.7 0.5000']);
  });

  it('reads a host-prefixed rule set, and ignores rules that are not kube-proxy’s', () => {
    const prefixed = kubeProxyIptables(exampleCluster([WEB]), 'node1', { names: { link: (b) => b, chain: (b) => `PN-${b}` } }).saved;
    expect(parseKubeServicesIptables(prefixed).services).toEqual([]);
    const observedPrefixed = parseKubeServicesIptables(prefixed, { chainPrefix: 'PN-' });
    expect(port(observedPrefixed, 'default/web:http').endpoints).toHaveLength(3);
    expect(parseKubeServicesIptables('*nat\n-A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE\n-A DOCKER -m comment --comment "x cluster IP" -j RETURN\nCOMMIT\n').services).toEqual([]);
  });

  it('splits rule words as iptables-restore does', () => {
    expect(ruleWords('-A X -m comment --comment "dnat name: \\"cbr0\\" id: \\"a\\\\b\\"" -j Y')).toEqual(['-A', 'X', '-m', 'comment', '--comment', 'dnat name: "cbr0" id: "a\\b"', '-j', 'Y']);
  });
});

describe('nft -j list table ip kube-proxy → services', () => {
  it('the fixture is today’s generated table (regenerate it from the integration suite when the generator changes)', () => {
    expect(kubeProxyNftables(largerCluster(), 'node1').listed).toBe(nftText);
  });

  it('reads the same services from the nftables table as from the iptables rules of the same cluster', () => {
    const fromNft = parseKubeServicesNft(nftJson, nftText);
    const fromIptables = parseKubeServicesIptables(kubeProxyIptables(largerCluster(), 'node1').saved);
    expect(fromNft.mode).toBe('nftables');
    expect(essence(fromNft)).toEqual(essence(fromIptables));
    expect(fromNft.services.map((s) => s.name)).toEqual(['empty', 'kubernetes', 'many', 'sticky', 'web', 'web-local', 'kube-dns']);
  });

  it('gives each endpoint 1/N, the chains, and each chain’s statements', () => {
    const web = port(parseKubeServicesNft(nftJson, nftText), 'default/web:http');
    expect(web.endpoints.map((e) => [e.ip, e.probability?.toFixed(4), e.chain])).toEqual([
      ['10.244.1.5', '0.3333', 'endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080'],
      ['10.244.2.6', '0.3333', 'endpoint-LRPR4IZA-default/web/tcp/http__10.244.2.6/8080'],
      ['10.244.3.7', '0.3333', 'endpoint-PW2UMWDW-default/web/tcp/http__10.244.3.7/8080'],
    ]);
    expect(web.rules).toContain('endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080: meta l4proto tcp dnat to 10.244.1.5:8080');
    expect(web.chains.at(-1)).toBe('external-SUSTUHLJ-default/web/tcp/http');
    expect(parseKubeServicesNft(nftJson).services.flatMap((s) => s.ports).every((p) => p.rules.length === 0)).toBe(true);
  });

  it('an endpoint chain without its dnat rule is not an endpoint', () => {
    const doc = JSON.parse(nftJson) as { nftables: { rule?: { chain: string; expr: { dnat?: unknown }[] } }[] };
    doc.nftables = doc.nftables.filter((i) => !(i.rule?.chain === 'endpoint-LRPR4IZA-default/web/tcp/http__10.244.2.6/8080' && i.rule.expr.some((e) => e.dnat)));
    const web = port(parseKubeServicesNft(JSON.stringify(doc)), 'default/web:http');
    expect(web.endpoints.map((e) => e.ip)).toEqual(['10.244.1.5', '10.244.3.7']);
  });

  it('ClientIP timeout from the affinity set, Local from the external chain', () => {
    const observed = parseKubeServicesNft(nftJson);
    expect(port(observed, 'default/sticky').affinityTimeoutSeconds).toBe(10800);
    expect(port(observed, 'default/web-local:http')).toMatchObject({ externalTrafficPolicy: 'Local', localEndpoints: [{ ip: '10.244.1.8', port: 8080 }] });
    expect(port(observed, 'default/empty:http').noEndpoints).toEqual({ clusterIP: 'reject', nodePort: 'reject' });
  });
});
