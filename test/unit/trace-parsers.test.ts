import { describe, expect, it } from 'vitest';
import { natTranslation, parseConntrackLine } from '../../src/engine/trace/parse-conntrack';
import { parseTraceLine, tcpFlagNames, withoutCounters } from '../../src/engine/trace/parse-nft-trace';
import { parseIptablesChains, parseNftHandles, rulesetIndex } from '../../src/engine/trace/ruleset-index';
import { rulesetChanges } from '../../src/engine/trace/ruleset-state';
import { parseSessionOutput } from '../../src/engine/trace/session-output';
import { sessionFixture } from '../helpers/trace-fixtures';

describe('a trace session\'s output', () => {
  it('splits into the rules before and after, the monitor\'s lines, conntrack\'s events and the flow\'s ids', () => {
    const out = parseSessionOutput(sessionFixture('dnat-published').output('host1'));
    expect(out.ready).toBe(true);
    expect(out.ended).toBe(true);
    expect(out.errors).toEqual([]);
    expect(out.before?.iptablesSave).toContain('-A DOCKER ! -i vpa -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.2.1.2:80');
    expect(JSON.parse(out.before!.nftJson).nftables[0].metainfo.version).toBe('1.0.6');
    expect(out.after?.iptablesSave).toContain('*nat');
    expect(out.monitor.some((l) => l.startsWith('trace id '))).toBe(true);
    expect(out.monitor.at(-1)).toMatch(/^delete table ip podnet-trace-[0-9a-f]+ # handle \d+$/);
    expect(out.flowIds).toHaveLength(1);
    expect(out.conntrack[0]).toMatch(/^\[NEW\] tcp +6 120 SYN_SENT src=10\.2\.3\.10 dst=192\.168\.100\.1 /);
  });

  it('keeps what the script said went wrong, and has no "after" when it never got there', () => {
    const out = parseSessionOutput('\x1epodnet before\n\x1epodnet before-nft\n{"nftables": []}\n\x1epodnet monitor\n\x1epodnet error nft refused the trace table\n');
    expect(out).toMatchObject({ ready: false, ended: false, errors: ['nft refused the trace table'], after: null, before: { iptablesSave: '', nftJson: '{"nftables": []}' } });
  });
});

describe('nft monitor trace lines (nftables 1.0.6)', () => {
  it('reads a rule with its handle and verdict, leaving the counters out', () => {
    expect(parseTraceLine('trace id 842fe17d ip filter FORWARD rule ip daddr 10.2.3.10 counter packets 0 bytes 0 drop # handle 2 (verdict drop)')).toEqual({
      packetId: '842fe17d', family: 'ip', table: 'filter', chain: 'FORWARD', kind: 'rule', handle: 2, rule: 'ip daddr 10.2.3.10 counter drop', verdict: 'drop', target: null,
    });
    expect(parseTraceLine('trace id 03d5b3e8 ip filter FORWARD rule  counter packets 78 bytes 4831 jump FLANNEL-FWD # handle 5 (verdict jump FLANNEL-FWD)')).toMatchObject({
      rule: 'counter jump FLANNEL-FWD', verdict: 'jump', target: 'FLANNEL-FWD', handle: 5,
    });
    expect(parseTraceLine('trace id b526c09f ip kube-proxy services rule ip daddr . meta l4proto . th dport vmap @service-ips # handle 12 (verdict goto service-SUSTUHLJ-default/web/tcp/http)')).toMatchObject({
      table: 'kube-proxy', chain: 'services', verdict: 'goto', target: 'service-SUSTUHLJ-default/web/tcp/http',
    });
  });

  it('reads policies, rules nft could not name, and packets as each hook saw them', () => {
    expect(parseTraceLine('trace id 852c1ac8 ip filter FORWARD policy drop ')).toEqual({ packetId: '852c1ac8', family: 'ip', table: 'filter', chain: 'FORWARD', kind: 'policy', verdict: 'drop' });
    expect(parseTraceLine('trace id 135dcbc2 ip podnet-trace-fa865b503890 mark-out unknown rule handle 9 (verdict continue)')).toMatchObject({ kind: 'rule', handle: 9, rule: null, verdict: 'continue' });
    const packet = parseTraceLine('trace id b874ef6b ip kube-proxy filter-forward packet: iif "vpa" oif "flannel.1" ether saddr ea:a6:26:d4:7d:62 ether daddr 82:42:98:4c:70:eb ip saddr 10.2.1.2 ip daddr 10.2.3.10 ip dscp cs0 ip ecn not-ect ip ttl 63 ip id 0 ip length 60 tcp sport 80 tcp dport 21760 tcp flags == 0x12 tcp window 65160 ');
    expect(packet).toMatchObject({ kind: 'packet', packet: { iif: 'vpa', oif: 'flannel.1', src: '10.2.1.2', dst: '10.2.3.10', protocol: 'tcp', srcPort: 80, dstPort: 21760, tcpFlags: ['syn', 'ack'], icmpType: null } });
    const icmp = parseTraceLine('trace id 7b7ea589 ip filter OUTPUT packet: oif "vpa" ip saddr 10.2.1.1 ip daddr 10.2.1.2 ip dscp cs6 ip ecn not-ect ip ttl 64 ip id 31888 ip length 88 icmp type destination-unreachable icmp code port-unreachable icmp id 0 icmp sequence 0 ');
    expect(icmp).toMatchObject({ packet: { iif: null, oif: 'vpa', protocol: 'icmp', icmpType: 'destination-unreachable', icmpCode: 'port-unreachable', srcPort: null } });
  });

  it('ignores ruleset changes and generation lines', () => {
    expect(parseTraceLine('add table ip podnet-trace-fa865b503890 # handle 2')).toBeNull();
    expect(parseTraceLine('# new generation 2 by process 22461 (nft)')).toBeNull();
  });

  it('names TCP flags whether nft wrote them as words or as a number', () => {
    expect(tcpFlagNames('syn')).toEqual(['syn']);
    expect(tcpFlagNames('0x14')).toEqual(['rst', 'ack']);
    expect(tcpFlagNames('syn | ack')).toEqual(['syn', 'ack']);
    expect(withoutCounters('ip saddr 10.2.0.0/16  counter packets 77 bytes 4747 accept')).toBe('ip saddr 10.2.0.0/16 counter accept');
  });
});

describe('conntrack lines (conntrack-tools 1.4.7)', () => {
  it('reads a DNAT: the reply comes from where the packet really went', () => {
    const c = parseConntrackLine('    [NEW] tcp      6 120 SYN_SENT src=10.2.3.10 dst=192.168.100.1 sport=28170 dport=8080 [UNREPLIED] src=10.2.1.2 dst=10.2.3.10 sport=80 dport=28170 id=3592749313')!;
    expect(c).toEqual({
      event: 'NEW', protocol: 'tcp', state: 'SYN_SENT', flags: ['UNREPLIED'], id: 3592749313,
      original: { src: '10.2.3.10', dst: '192.168.100.1', sport: 28170, dport: 8080 },
      reply: { src: '10.2.1.2', dst: '10.2.3.10', sport: 80, dport: 28170 },
    });
    expect(natTranslation(c)).toMatchObject({ dnat: true, snat: false, text: '10.2.3.10:28170 → 192.168.100.1:8080 became 10.2.3.10:28170 → 10.2.1.2:80' });
  });

  it('reads a masquerade of a ping: source and echo id rewritten, the connection\'s own id last', () => {
    const c = parseConntrackLine('[UPDATE] icmp     1 30 src=10.2.1.2 dst=192.168.100.2 type=8 code=0 id=2705 src=192.168.100.2 dst=192.168.100.1 type=0 code=0 id=1425 id=172485009')!;
    expect(c).toMatchObject({ event: 'UPDATE', protocol: 'icmp', state: null, id: 172485009, original: { src: '10.2.1.2', sport: 2705 }, reply: { dst: '192.168.100.1', dport: 1425 } });
    expect(natTranslation(c)).toMatchObject({ dnat: false, snat: true, text: '10.2.1.2 → 192.168.100.2 (icmp id 2705) became 192.168.100.1 → 192.168.100.2 (icmp id 1425)' });
  });

  it('reads `conntrack -L` lines too, and says nothing where NAT did nothing', () => {
    const c = parseConntrackLine('tcp      6 9 CLOSE src=10.2.1.2 dst=10.96.100.10 sport=21644 dport=80 src=10.2.3.10 dst=10.2.1.2 sport=80 dport=21644 [ASSURED] mark=0 use=1 id=2356575107')!;
    expect(c).toMatchObject({ event: null, state: 'CLOSE', flags: ['ASSURED'], id: 2356575107 });
    expect(natTranslation(c)?.text).toBe('10.2.1.2:21644 → 10.96.100.10:80 became 10.2.1.2:21644 → 10.2.3.10:80');
    const plain = parseConntrackLine('[NEW] udp      17 30 src=10.2.1.2 dst=10.2.3.10 sport=29096 dport=5353 [UNREPLIED] src=10.2.3.10 dst=10.2.1.2 sport=5353 dport=29096 id=45797502')!;
    expect(natTranslation(plain)).toBeNull();
    expect(parseConntrackLine('conntrack v1.4.7 (conntrack-tools): 9 flow events have been shown.')).toBeNull();
  });
});

describe('rules named as iptables-save prints them', () => {
  const out = parseSessionOutput(sessionFixture('masquerade').output('host1'));
  const index = rulesetIndex(out.before!.iptablesSave, out.before!.nftJson);
  const handles = parseNftHandles(out.before!.nftJson);

  it('finds the n-th -A line of a chain by the n-th nft handle', () => {
    const postrtg = handles.get('ip\0nat\0FLANNEL-POSTRTG')!;
    expect(postrtg).toHaveLength(6);
    expect(index.iptablesRule('ip', 'nat', 'FLANNEL-POSTRTG', postrtg[4]!)).toBe('-A FLANNEL-POSTRTG -s 10.2.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully');
    expect(index.iptablesPolicy('ip', 'filter', 'FORWARD')).toBe('ACCEPT');
  });

  it('maps nothing for native tables, unknown handles, or a chain the two reads disagree on', () => {
    const kube = handles.get('ip\0kube-proxy\0filter-forward')!;
    expect(index.iptablesRule('ip', 'kube-proxy', 'filter-forward', kube[0]!)).toBeNull();
    expect(index.iptablesRule('ip', 'nat', 'FLANNEL-POSTRTG', 99999)).toBeNull();
    const oneMore = out.before!.iptablesSave.replace('-A DOCKER -i vpa -j RETURN', '-A DOCKER -i vpa -j RETURN\n-A DOCKER -i lo -j RETURN');
    const dockerHandles = handles.get('ip\0nat\0DOCKER')!;
    expect(rulesetIndex(oneMore, out.before!.nftJson).iptablesRule('ip', 'nat', 'DOCKER', dockerHandles[0]!)).toBeNull();
    expect(parseIptablesChains('*filter\n:FORWARD DROP [3:180]\n:X - [0:0]\n-A X -j RETURN\nCOMMIT\n').policies.get('filter')).toEqual(new Map([['FORWARD', 'DROP']]));
  });
});

describe('the ruleset after a trace', () => {
  it('is the one before it in every recorded namespace (counters and dates aside)', () => {
    for (const name of ['dnat-published', 'drop-forward', 'nft-native-drop']) {
      const f = sessionFixture(name);
      for (const ns of f.namespaces) {
        const out = parseSessionOutput(f.output(ns));
        expect(rulesetChanges(out.before!, out.after!), `${name} ${ns}`).toEqual([]);
      }
    }
  });

  it('names a rule or table that stayed, and one that went', () => {
    const out = parseSessionOutput(sessionFixture('drop-forward').output('h2'));
    const left = {
      iptablesSave: out.after!.iptablesSave.replace('COMMIT', '-A FORWARD -j TRACE\nCOMMIT'),
      nftJson: out.after!.nftJson.replace('"nftables": [', '"nftables": [{"table": {"family": "ip", "name": "podnet-trace-0a1b2c", "handle": 9}}, '),
    };
    expect(rulesetChanges(out.before!, left)).toEqual([
      'iptables-save has a new line: -A FORWARD -j TRACE',
      'nft has a new object: {"table":{"family":"ip","name":"podnet-trace-0a1b2c","handle":9}}',
    ]);
    expect(rulesetChanges(left, out.before!)).toEqual([
      'iptables-save lost a line: -A FORWARD -j TRACE',
      'nft lost an object: {"table":{"family":"ip","name":"podnet-trace-0a1b2c","handle":9}}',
    ]);
  });
});
