// Recorded traces (test/fixtures/trace) → what each namespace did to each of the flow's packets.
import { describe, expect, it } from 'vitest';
import { netfilterSteps } from '../../src/engine/trace/netfilter-steps';
import { parseTraceLines } from '../../src/engine/trace/parse-nft-trace';
import { rulesetIndex } from '../../src/engine/trace/ruleset-index';
import { parseSessionOutput } from '../../src/engine/trace/session-output';
import { namespaceTrace, type NamespaceTrace } from '../../src/engine/trace/trace-probe';
import { sessionFixture } from '../helpers/trace-fixtures';

function traced(name: string, ns: string): NamespaceTrace {
  const f = sessionFixture(name);
  return namespaceTrace(ns, f.table, parseSessionOutput(f.output(ns)));
}

const rules = (t: NamespaceTrace, role: string) => t.packets.find((p) => p.role === role)!.steps.map((s) => `${s.table} ${s.chain}: ${s.rule} → ${s.verdict}`);

describe('the netfilter steps of a traced packet', () => {
  it('names the inserted DROP with its iptables-save text as what stopped the ping', () => {
    const h2 = traced('drop-forward', 'h2');
    expect(h2.packets).toHaveLength(1);
    expect(h2.packets[0]).toMatchObject({ role: 'request', fate: 'dropped', packet: { src: '10.2.1.2', dst: '10.2.3.10', iif: 'flannel.1', protocol: 'icmp' } });
    expect(h2.packets[0]!.decidedBy).toMatchObject({ table: 'filter', chain: 'FORWARD', kind: 'rule', rule: '-A FORWARD -d 10.2.3.10/32 -j DROP', syntax: 'iptables', verdict: 'drop' });
    // Beyond the drop there is nothing: pb never saw the request.
    expect(traced('drop-forward', 'pb').packets).toEqual([]);
  });

  it('names a chain policy that drops', () => {
    const h2 = traced('policy-drop', 'h2');
    expect(h2.packets[0]!.decidedBy).toMatchObject({ kind: 'policy', rule: ':FORWARD DROP', syntax: 'iptables', verdict: 'drop' });
  });

  it('walks host1\'s rules in order for a published port: Docker\'s DNAT, flannel\'s forward and masquerade chains', () => {
    const host1 = traced('dnat-published', 'host1');
    // (A reset may follow: the probe closes at once, with the responder's "hello" perhaps unread.)
    expect(host1.packets.map((p) => p.role).slice(0, 2)).toEqual(['request', 'reply']);
    expect(rules(host1, 'request')).toEqual([
      'kube-proxy nat-prerouting: jump services → jump',
      'kube-proxy nat-prerouting: policy accept → accept',
      'nat PREROUTING: -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER → jump',
      'nat DOCKER: -A DOCKER ! -i vpa -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.2.1.2:80 → accept',
      'kube-proxy filter-forward: ct state new jump cluster-ips-check → jump',
      'kube-proxy filter-forward: policy accept → accept',
      'filter FORWARD: -A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD → jump',
      'filter FLANNEL-FWD: -A FLANNEL-FWD -s 10.2.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT → accept',
      'nat POSTROUTING: -A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG → jump',
      'nat FLANNEL-POSTRTG: -A FLANNEL-POSTRTG -s 10.2.0.0/16 -d 10.2.1.0/24 -m comment --comment "flanneld masq" -j RETURN → return',
      'nat POSTROUTING: :POSTROUTING ACCEPT → accept',
    ]);
    // Each hook saw the packet as it was then: before the DNAT, and after it.
    const steps = host1.packets[0]!.steps;
    expect(steps.find((s) => s.chain === 'DOCKER')!.packet).toMatchObject({ dst: '192.168.100.1', dstPort: 8080 });
    expect(steps.find((s) => s.chain === 'FORWARD')!.packet).toMatchObject({ dst: '10.2.1.2', dstPort: 80, oif: 'vpa' });
  });

  it('gives the DNAT\'s reverse translation from conntrack, and the SYN and SYN-ACK at both ends', () => {
    const f = sessionFixture('dnat-published');
    const port = f.flow.srcPort;
    const host1 = traced('dnat-published', 'host1');
    expect(host1.connections).toHaveLength(1);
    expect(host1.connections[0]!.nat).toMatchObject({ dnat: true, snat: false, text: `10.2.3.10:${port} → 192.168.100.1:8080 became 10.2.3.10:${port} → 10.2.1.2:80` });
    expect(host1.connections[0]!.history[0]).toBe('NEW SYN_SENT');
    for (const ns of ['pb', 'pa']) {
      const t = traced('dnat-published', ns);
      expect(t.packets.slice(0, 2).map((p) => [p.role, p.packet?.tcpFlags]), ns).toEqual([['request', ['syn']], ['reply', ['syn', 'ack']]]);
      expect(t.connections[0]!.nat, ns).toBeNull();
    }
  });

  it('names flannel\'s MASQUERADE and what it made of the ping', () => {
    const host1 = traced('masquerade', 'host1');
    const masq = host1.packets[0]!.steps.at(-1)!;
    expect(masq).toMatchObject({ table: 'nat', chain: 'FLANNEL-POSTRTG', rule: '-A FLANNEL-POSTRTG -s 10.2.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully', verdict: 'accept' });
    expect(host1.connections[0]!.nat).toMatchObject({ snat: true, dnat: false });
    expect(host1.connections[0]!.nat!.text).toMatch(/^10\.2\.1\.2 → 192\.168\.100\.2 \(icmp id \d+\) became 192\.168\.100\.1 → 192\.168\.100\.2 \(icmp id \d+\)$/);
    // The next host sees the masqueraded source.
    expect(traced('masquerade', 'h2').packets[0]!.packet).toMatchObject({ src: '192.168.100.1', dst: '192.168.100.2' });
  });

  it('gives a native nft table\'s rules in nft\'s words: kube-proxy\'s service DNAT, drop and reject', () => {
    const dnat = traced('nft-native-dnat', 'host1');
    expect(rules(dnat, 'request').slice(0, 4)).toEqual([
      'kube-proxy nat-prerouting: jump services → jump',
      'kube-proxy services: ip daddr . meta l4proto . th dport vmap @service-ips → goto',
      'kube-proxy service-SUSTUHLJ-default/web/tcp/http: numgen random mod 1 vmap { 0 : goto endpoint-HGNPOIJ5-default/web/tcp/http__10.2.3.10/80 } → goto',
      'kube-proxy endpoint-HGNPOIJ5-default/web/tcp/http__10.2.3.10/80: meta l4proto tcp dnat to 10.2.3.10:80 → accept',
    ]);
    expect(dnat.packets[0]!.steps[1]!.target).toBe('service-SUSTUHLJ-default/web/tcp/http');
    expect(dnat.connections[0]!.nat?.text).toMatch(/^10\.2\.1\.2:\d+ → 10\.96\.100\.10:80 became 10\.2\.1\.2:\d+ → 10\.2\.3\.10:80$/);

    const drop = traced('nft-native-drop', 'host1').packets[0]!;
    expect(drop.fate).toBe('dropped');
    expect(drop.decidedBy).toMatchObject({ table: 'kube-proxy', chain: 'cluster-ips-check', rule: 'ip daddr 10.96.0.0/12 drop comment "Drop traffic to unallocated ClusterIPs"', syntax: 'nft' });

    const reject = traced('nft-native-reject', 'host1');
    expect(reject.packets.map((p) => [p.role, p.fate])).toEqual([['request', 'rejected'], ['error', 'passed']]);
    expect(reject.packets[0]!.decidedBy).toMatchObject({ rule: 'ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"', verdict: 'reject' });
    expect(reject.packets[1]!.packet).toMatchObject({ icmpType: 'destination-unreachable', icmpCode: 'port-unreachable', src: '10.2.1.1', dst: '10.2.1.2' });
  });

  it('tells an iptables REJECT from a plain drop', () => {
    const h2 = traced('iptables-reject', 'h2');
    expect(h2.packets[0]!.decidedBy).toMatchObject({ rule: '-A FORWARD -d 10.2.3.10/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset', verdict: 'reject' });
    expect(h2.packets[0]!.fate).toBe('rejected');
    expect(traced('iptables-reject', 'pa').packets.map((p) => [p.role, p.packet?.tcpFlags])).toEqual([['request', ['syn']], ['reset', ['rst', 'ack']]]);
  });

  it('follows one UDP datagram and the ICMP error that answers it', () => {
    for (const ns of ['pa', 'host1', 'h2', 'pb']) {
      const t = traced('udp-unreachable', ns);
      expect(t.packets.map((p) => p.role), ns).toEqual(['request', 'error']);
      expect(t.connections).toHaveLength(1);
    }
  });

  it('reports a clean ruleset in every namespace of every recorded trace', () => {
    for (const name of ['drop-forward', 'policy-drop', 'dnat-published', 'masquerade', 'nft-native-dnat', 'nft-native-drop', 'nft-native-reject', 'udp-unreachable', 'iptables-reject']) {
      const f = sessionFixture(name);
      for (const ns of f.namespaces) expect(traced(name, ns).cleanup, `${name} ${ns}`).toEqual({ verified: true, changes: [] });
    }
  });
});

describe('packets told apart', () => {
  const T = 'podnet-trace-abcdef';
  const packet = (id: string, chain: string, table = T) => `trace id ${id} ip ${table} ${chain} packet: iif "eth0" ip saddr 10.0.0.1 ip daddr 10.0.0.2 icmp type echo-request icmp code net-unreachable`;
  const own = (id: string, chain: string) => `trace id ${id} ip ${T} ${chain} unknown rule handle 7 (verdict continue)`;

  it('starts a new packet when the kernel reuses an id for the next one, and ignores packets that never passed the trace table', () => {
    const monitor = [
      packet('aaaaaaaa', 'mark-in'), own('aaaaaaaa', 'mark-in'), `trace id aaaaaaaa ip ${T} mark-in policy accept `,
      packet('aaaaaaaa', 'follow-in'), own('aaaaaaaa', 'follow-in'),
      packet('aaaaaaaa', 'FORWARD', 'filter'), 'trace id aaaaaaaa ip filter FORWARD policy accept ',
      // The same id again, entering the trace table from the start: another packet.
      packet('aaaaaaaa', 'mark-in'), own('aaaaaaaa', 'mark-in'),
      packet('aaaaaaaa', 'FORWARD', 'filter'), 'trace id aaaaaaaa ip filter FORWARD rule ip daddr 10.0.0.2 counter packets 1 bytes 84 drop # handle 4 (verdict drop)',
      // Traced by someone else's mark: not this flow's.
      packet('bbbbbbbb', 'FORWARD', 'filter'), 'trace id bbbbbbbb ip filter FORWARD policy accept ',
    ];
    const packets = netfilterSteps(parseTraceLines(monitor), T, rulesetIndex('', ''));
    expect(packets.map((p) => [p.id, p.fate, p.steps.length])).toEqual([['aaaaaaaa', 'passed', 1], ['aaaaaaaa', 'dropped', 1]]);
    expect(packets[1]!.decidedBy).toMatchObject({ rule: 'ip daddr 10.0.0.2 counter drop', syntax: 'nft' });
  });
});
