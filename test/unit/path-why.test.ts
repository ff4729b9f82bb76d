// `podnet path`'s request (`<to>[:port]`, protocol) and the traced hops'
// "why": recorded traces (test/fixtures/trace) → each namespace's part of
// each leg in causal order, its rules, NAT, and what stopped the probe.
import { describe, expect, it } from 'vitest';
import { parsePathRequest } from '../../src/engine/path/path-request';
import { describePacket, namespaceLegs, orderLegs, type NamespaceLeg } from '../../src/engine/path/traced-hops';
import { tracedLeg } from '../../src/engine/path/traced-legs';
import { traceScope } from '../../src/engine/path/traced-path';
import { hopWhy, legArrived, legStop, type ExplainedLeg } from '../../src/engine/path/traced-why';
import { netfilterSteps } from '../../src/engine/trace/netfilter-steps';
import { parseTraceLines, type TracePacketFields } from '../../src/engine/trace/parse-nft-trace';
import type { RouteExplanation } from '../../src/engine/trace/route-explain';
import { rulesetIndex } from '../../src/engine/trace/ruleset-index';
import { parseSessionOutput } from '../../src/engine/trace/session-output';
import { namespaceTrace, type NamespaceTrace } from '../../src/engine/trace/trace-probe';
import { observed } from '../component/fixtures';
import { sessionFixture } from '../helpers/trace-fixtures';

function traces(name: string): NamespaceTrace[] {
  const f = sessionFixture(name);
  return f.namespaces.map((ns) => namespaceTrace(ns, f.table, parseSessionOutput(f.output(ns))));
}

const route = (lines: string[], extra: Partial<RouteExplanation> = {}): RouteExplanation => ({
  query: { dst: '0.0.0.0' },
  route: null,
  type: 'unicast',
  dev: null,
  gateway: null,
  prefsrc: null,
  nextHop: null,
  neighbour: null,
  vxlan: null,
  fdb: null,
  missing: null,
  error: null,
  lines,
  ...extra,
});

describe('what podnet path sends', () => {
  it('a port means TCP, no port a ping; --udp and --icmp as told; plain IPv4 destinations stay as written', () => {
    expect(parsePathRequest('host2/b')).toEqual({ to: 'host2/b', protocol: 'icmp', port: null });
    expect(parsePathRequest('host2:8080')).toEqual({ to: 'host2', protocol: 'tcp', port: 8080 });
    expect(parsePathRequest('10.96.0.10:53', { protocol: 'udp' })).toEqual({ to: '10.96.0.10', protocol: 'udp', port: 53 });
    expect(parsePathRequest('10.96.0.10', { protocol: 'tcp', port: 80 })).toEqual({ to: '10.96.0.10', protocol: 'tcp', port: 80 });
  });

  it('refuses a ping with a port, TCP/UDP without one, and ports that are not ports', () => {
    expect(() => parsePathRequest('host2/b:80', { protocol: 'icmp' })).toThrow('a ping has no port');
    expect(() => parsePathRequest('host2/b', { protocol: 'udp' })).toThrow('a UDP path needs a port');
    expect(() => parsePathRequest('host2/b:0')).toThrow('not a number from 1 to 65535');
    expect(() => parsePathRequest('host2/b:http')).toThrow('not a number from 1 to 65535');
    expect(() => parsePathRequest('host2/b:80', { port: 81 })).toThrow('two ports given');
    expect(() => parsePathRequest(':80')).toThrow('names no destination');
  });
});

describe('a packet whose trace id changes on the way (a bridge with br_netfilter)', () => {
  const table = 'podnet-trace-0123456789ab';
  const lines = [
    `trace id aaaaaaaa ip ${table} mark-in packet: iif "cni0" ip saddr 10.2.1.2 ip daddr 10.2.3.10 ip id 54369 ip length 84 icmp type echo-request icmp code net-unreachable`,
    `trace id aaaaaaaa ip ${table} mark-in rule icmp type { echo-request, echo-reply } @th,192,64 0x1122334455667788 meta nftrace set 1 # handle 5 (verdict continue)`,
    // The same packet in FORWARD under a new id; then an unrelated packet of another trace, also under a new id.
    'trace id bbbbbbbb ip filter FORWARD packet: iif "cni0" oif "flannel.1" ip saddr 10.2.1.2 ip daddr 10.2.3.10 ip id 54369 ip length 84 icmp type echo-request',
    'trace id bbbbbbbb ip filter FORWARD rule ip daddr 10.2.3.10 counter packets 0 bytes 0 drop # handle 2 (verdict drop)',
    'trace id cccccccc ip filter FORWARD packet: iif "cni0" oif "flannel.1" ip saddr 10.2.1.3 ip daddr 10.2.3.10 ip id 777 ip length 84 icmp type echo-request',
    'trace id cccccccc ip filter FORWARD policy accept',
  ];

  it('keeps it one packet: its FORWARD rules and the drop belong to the flow\'s request', () => {
    const packets = netfilterSteps(parseTraceLines(lines), table, rulesetIndex('', ''));
    expect(packets).toHaveLength(1);
    expect(packets[0]).toMatchObject({ role: 'request', fate: 'dropped' });
    expect(packets[0]!.steps.map((s) => `${s.chain} ${s.verdict}`)).toEqual(['FORWARD drop']);
    expect(packets[0]!.decidedBy!.packet).toMatchObject({ oif: 'flannel.1' });
  });
});

describe('the traced hops of a path', () => {
  it('orders each leg by causality, with a DNAT\'s pod after the request\'s arrival host and before the reply\'s', () => {
    const expected = {
      request: { namespaces: [{ node: 'pb', host: 'h2', pod: 'pb', via: 'x' }, { node: 'h2', host: 'h2', pod: null, via: 'x' }, { node: 'underlay', host: 'underlay', pod: null, via: null }, { node: 'host1', host: 'host1', pod: null, via: null }], arrives: true, stop: null },
      reply: { namespaces: [{ node: 'host1', host: 'host1', pod: null, via: 'x' }, { node: 'underlay', host: 'underlay', pod: null, via: null }, { node: 'h2', host: 'h2', pod: null, via: 'x' }, { node: 'pb', host: 'h2', pod: 'pb', via: null }], arrives: true, stop: null },
      namespaces: [],
      incomplete: false,
    };
    expected.namespaces = [...expected.request.namespaces] as never;
    const scope = traceScope(expected, (host) => (host === 'host1' ? ['pa'] : []));
    expect(scope.nodes).toEqual(['pb', 'h2', 'host1', 'host1/pa']);
    expect(scope.order).toEqual({ request: ['pb', 'h2', 'host1', 'host1/pa'], reply: ['host1/pa', 'host1', 'h2', 'pb'] });

    // The recorded trace names the pod `pa`: order by those names.
    const views = orderLegs(namespaceLegs(traces('dnat-published')), { request: ['pb', 'h2', 'host1', 'pa'], reply: ['pa', 'host1', 'h2', 'pb'] });
    expect(views.map((v) => `${v.leg} ${v.node}`)).toEqual(['request pb', 'request h2', 'request host1', 'request pa', 'reply pa', 'reply host1', 'reply h2', 'reply pb']);
    const host1 = views.find((v) => v.node === 'host1' && v.leg === 'request')!;
    // The lookup that explains host1's hop is for the packet after Docker's DNAT, as it came in.
    expect(host1.query).toMatchObject({ dst: '10.2.1.2', iif: host1.iif });
    expect(host1.nat).toMatch(/^10\.2\.3\.10:\d+ → 192\.168\.100\.1:8080 became 10\.2\.3\.10:\d+ → 10\.2\.1\.2:80$/);
    expect(views.find((v) => v.node === 'host1' && v.leg === 'reply')!.nat).toMatch(/^10\.2\.1\.2:80 → 10\.2\.3\.10:\d+ became 192\.168\.100\.1:8080 → 10\.2\.3\.10:\d+$/);
    expect(describePacket(views[0]!.first)).toMatch(/^tcp 10\.2\.3\.10:\d+ → 192\.168\.100\.1:8080 \[syn\]$/);

    const explained: ExplainedLeg[] = views.map((view) => ({ view, route: route(['route: …'], { type: view.node === 'pa' && view.leg === 'request' ? 'local' : view.node === 'pb' && view.leg === 'reply' ? 'local' : 'unicast' }) }));
    expect(legArrived(explained, 'request')).toBe(true);
    expect(legArrived(explained, 'reply')).toBe(true);
    expect(legStop(explained, 'request', true)).toBeNull();
    const why = hopWhy(explained.find((e) => e.view.node === 'host1')!);
    expect(why.lines).toContain('  nat DOCKER rule 2: -A DOCKER ! -i vpa -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.2.1.2:80 → accept');
    expect(why.lines.some((l) => l.startsWith('conntrack: '))).toBe(true);
  });

  it('names the rule that dropped the request, with its position in the chain', () => {
    const views = orderLegs(namespaceLegs(traces('drop-forward')), { request: ['pa', 'host1', 'h2', 'pb'], reply: [] });
    expect(views.map((v) => v.node)).toEqual(['pa', 'host1', 'h2']);
    const explained = views.map((view) => ({ view, route: route(['route: x']) }));
    expect(legStop(explained, 'request', false)).toMatchObject({
      node: 'h2',
      kind: 'rule',
      rule: { table: 'filter', chain: 'FORWARD', position: 1, syntax: 'iptables' },
      text: 'h2: dropped by filter FORWARD rule 1: -A FORWARD -d 10.2.3.10/32 -j DROP',
    });
  });

  it('names a chain policy that dropped it, and a missing fdb entry where a leg that passed every rule ended', () => {
    const policy = orderLegs(namespaceLegs(traces('policy-drop')), { request: ['pa', 'host1', 'h2', 'pb'], reply: [] }).map((view) => ({ view, route: null }));
    expect(legStop(policy, 'request', false)?.text).toBe('h2: dropped by filter FORWARD policy: :FORWARD DROP');

    const views = orderLegs(namespaceLegs(traces('masquerade')), { request: ['pa', 'host1'], reply: [] }).filter((v) => v.leg === 'request' && v.node !== 'h2');
    const missing = 'no fdb entry for 0e:00:00:00:03:00 on flannel.1: the kernel does not know which host to send the VXLAN packet to';
    const explained = views.map((view) => ({ view, route: view.node === 'host1' ? route(['route: 10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink', missing], { missing: 'fdb' }) : route(['route: x']) }));
    expect(legStop(explained, 'request', false)).toEqual({ node: 'host1', leg: 'request', kind: 'fdb', rule: null, text: `host1: ${missing}` });
    // Arrived: no stop is made up from a lookup.
    expect(legStop(explained, 'request', true)).toBeNull();
  });
});

describe('a TCP or UDP path\'s hops, from its trace', () => {
  const fields = (over: Partial<TracePacketFields>): TracePacketFields => ({ iif: null, oif: null, src: '10.2.1.2', dst: '10.2.3.10', protocol: 'tcp', srcPort: 23456, dstPort: 80, tcpFlags: ['syn'], icmpType: null, icmpCode: null, text: '', ...over });
  const view = (node: string, iif: string | null, oif: string | null, fate: 'passed' | 'dropped' = 'passed'): NamespaceLeg => {
    const first = fields({ iif, oif });
    return { node, leg: 'request', packet: { id: '1', role: 'request', packet: first, steps: [], fate, decidedBy: null }, first, last: first, iif, oif, rules: [], query: { dst: '10.2.3.10' }, nat: null };
  };

  it('gives each namespace its way in and out, in order and without times; into VXLAN, the tunnel its fdb entry chose', () => {
    const tunnelRoute = route(['route: …'], { fdb: { mac: 'aa:bb:cc:dd:ee:ff', dst: '198.18.0.12', flags: ['self'], state: 'permanent' }, vxlan: { vni: 1, port: 8472 } });
    const explained: ExplainedLeg[] = [
      { view: view('host1/a', null, 'eth0'), route: null },
      { view: view('host1', 'cni0', 'flannel.1'), route: tunnelRoute },
      { view: view('host2', 'flannel.1', 'cni0', 'dropped'), route: null },
    ];
    const leg = tracedLeg(observed('flannel-vxlan'), explained, 'request', false, 'host2: dropped by filter FORWARD rule 1: -A FORWARD -j DROP');
    expect(leg.hops.map((h) => `${h.node} ${h.iface} ${h.ifaceKind} ${h.direction}`)).toEqual(['host1/a eth0 veth out', 'host1 cni0 bridge in', 'host1 flannel.1 vxlan out', 'host2 flannel.1 vxlan in']);
    expect(leg.hops.every((h) => h.offsetNs === null)).toBe(true);
    expect(leg.hops[2]).toMatchObject({ tunnel: { src: '198.18.0.11', dst: '198.18.0.12', port: 8472, vni: 1 }, note: 'encapsulate into VXLAN', packet: { info: 'TCP 23456 → 80 [syn]' } });
    expect(leg).toMatchObject({ reached: false, lastSeen: { node: 'host2', iface: 'flannel.1' }, reason: 'host2: dropped by filter FORWARD rule 1: -A FORWARD -j DROP' });
  });
});
