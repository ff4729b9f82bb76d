import { describe, expect, it } from 'vitest';
import { probeCommand, probeOutcome } from '../../src/engine/trace/probe-argv';
import { describeFlow, newTraceFlow, type TraceFlow } from '../../src/engine/trace/trace-flow';
import { isTraceTable, markerMatch, traceTableCommands, traceTableName } from '../../src/engine/trace/trace-table';
import { traceSessionArgv } from '../../src/engine/trace/trace-session-script';

/** Repeatable "random" bytes: 0x01, 0x02, … */
const counting = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i + 1));

describe('the traced flow and its marker', () => {
  it('gives ICMP a ping pattern, TCP a rare MSS and UDP a text, with a source port below the ephemeral range', () => {
    const icmp = newTraceFlow({ protocol: 'icmp', dst: '10.2.3.10' }, counting);
    expect(icmp).toEqual({ protocol: 'icmp', src: null, dst: '10.2.3.10', srcPort: null, dstPort: null, marker: { kind: 'icmp-payload', pattern: '0102030405060708' } });
    const tcp = newTraceFlow({ protocol: 'tcp', dst: '10.96.100.10', dstPort: 80, src: '10.2.1.2' }, counting);
    // 0x01020304 = 16909060: port 20000 + 16909060 % 10000, MSS 536 + 16909060 % 464.
    expect(tcp).toMatchObject({ src: '10.2.1.2', srcPort: 29060, dstPort: 80, marker: { kind: 'tcp-mss', mss: 536 + (16909060 % 464) } });
    const udp = newTraceFlow({ protocol: 'udp', dst: '10.2.3.10', dstPort: 53 }, counting);
    expect(udp.marker).toEqual({ kind: 'udp-payload', text: 'podnet0102030405' });
    expect(describeFlow(tcp)).toBe('tcp 10.2.1.2:29060 → 10.96.100.10:80');
  });

  it('refuses what cannot be traced, saying what to write instead', () => {
    expect(() => newTraceFlow({ protocol: 'icmp', dst: 'host2' })).toThrow('"host2" is not an IPv4 address to trace to');
    expect(() => newTraceFlow({ protocol: 'icmp', dst: '10.0.0.1', dstPort: 80 })).toThrow('an ICMP trace has no port');
    expect(() => newTraceFlow({ protocol: 'tcp', dst: '10.0.0.1' })).toThrow('a TCP trace needs a port from 1 to 65535');
    expect(() => newTraceFlow({ protocol: 'udp', dst: '10.0.0.1', dstPort: 70000 })).toThrow('a UDP trace needs a port');
    expect(() => newTraceFlow({ protocol: 'udp', dst: '10.0.0.1', dstPort: 53, src: '10.0.0.300' })).toThrow('not an IPv4 source address');
  });
});

describe('the trace table', () => {
  const flow = (protocol: 'icmp' | 'tcp' | 'udp'): TraceFlow => newTraceFlow({ protocol, dst: '10.2.3.10', ...(protocol === 'icmp' ? {} : { dstPort: 80 }) }, counting);

  it('is owned by its nft process, marks before iptables raw (-301) and follows the connection after conntrack (-199)', () => {
    const table = traceTableName('0a1b2c3d4e5f');
    expect(table).toBe('podnet-trace-0a1b2c3d4e5f');
    expect(isTraceTable(table)).toBe(true);
    const commands = traceTableCommands(table, flow('tcp')).split(/; (?=add )/);
    expect(commands).toEqual([
      'add table ip podnet-trace-0a1b2c3d4e5f { flags owner; }',
      'add set ip podnet-trace-0a1b2c3d4e5f flows { typeof ct id; flags dynamic,timeout; timeout 120s; }',
      'add chain ip podnet-trace-0a1b2c3d4e5f mark-in { type filter hook prerouting priority -301; policy accept; }',
      'add chain ip podnet-trace-0a1b2c3d4e5f mark-out { type filter hook output priority -301; policy accept; }',
      'add chain ip podnet-trace-0a1b2c3d4e5f follow-in { type filter hook prerouting priority -199; policy accept; }',
      'add chain ip podnet-trace-0a1b2c3d4e5f follow-out { type filter hook output priority -199; policy accept; }',
      `add rule ip podnet-trace-0a1b2c3d4e5f mark-in tcp flags & (syn | ack) == syn tcp option maxseg size ${536 + (16909060 % 464)} meta nftrace set 1`,
      `add rule ip podnet-trace-0a1b2c3d4e5f mark-out tcp flags & (syn | ack) == syn tcp option maxseg size ${536 + (16909060 % 464)} meta nftrace set 1`,
      `add rule ip podnet-trace-0a1b2c3d4e5f follow-in tcp flags & (syn | ack) == syn tcp option maxseg size ${536 + (16909060 % 464)} add @flows { ct id }`,
      'add rule ip podnet-trace-0a1b2c3d4e5f follow-in ct id @flows meta l4proto != tcp meta nftrace set 1',
      'add rule ip podnet-trace-0a1b2c3d4e5f follow-in ct id @flows tcp flags & (syn | rst) != 0 meta nftrace set 1',
      `add rule ip podnet-trace-0a1b2c3d4e5f follow-out tcp flags & (syn | ack) == syn tcp option maxseg size ${536 + (16909060 % 464)} add @flows { ct id }`,
      'add rule ip podnet-trace-0a1b2c3d4e5f follow-out ct id @flows meta l4proto != tcp meta nftrace set 1',
      'add rule ip podnet-trace-0a1b2c3d4e5f follow-out ct id @flows tcp flags & (syn | rst) != 0 meta nftrace set 1',
    ]);
  });

  it('matches ICMP by the pattern after ping\'s timestamp and UDP by its first 16 bytes, following every packet of their connection', () => {
    expect(markerMatch(flow('icmp').marker)).toBe('icmp type { echo-request, echo-reply } @th,192,64 0x0102030405060708');
    expect(markerMatch(flow('udp').marker)).toBe(`meta l4proto udp @th,64,128 0x${Buffer.from('podnet0102030405').toString('hex')}`);
    expect(traceTableCommands(traceTableName('abcdef'), flow('udp'))).toContain('follow-in ct id @flows meta nftrace set 1');
  });

  it('takes nothing that could change the commands', () => {
    expect(() => traceTableName('x; flush ruleset')).toThrow('bad trace id');
    expect(() => traceTableCommands('filter', flow('icmp'))).toThrow('bad trace table');
    expect(() => markerMatch({ kind: 'icmp-payload', pattern: '01 } ; flush ruleset' })).toThrow('bad icmp pattern');
    expect(() => markerMatch({ kind: 'udp-payload', text: 'podnet"; flush' })).toThrow('bad udp marker');
    expect(() => traceSessionArgv('podnet-trace-abcdef', '', 0)).toThrow('bad trace time');
  });

  it('hands the table to the session script as arguments, never as script text', () => {
    const argv = traceSessionArgv('podnet-trace-abcdef', 'add table ip podnet-trace-abcdef { flags owner; }', 30);
    expect(argv.slice(0, 2)).toEqual(['bash', '-c']);
    expect(argv.slice(3)).toEqual(['podnet-trace', 'podnet-trace-abcdef', 'add table ip podnet-trace-abcdef { flags owner; }', '30']);
  });
});

describe('the probe', () => {
  it('sends one ping, one SYN from the fixed port with the marker MSS, or one datagram of the marker text', () => {
    const icmp = newTraceFlow({ protocol: 'icmp', dst: '10.2.3.10' }, counting);
    expect(probeCommand(icmp)).toEqual({ argv: ['ping', '-n', '-c', '1', '-i', '0.2', '-W', '1', '-p', '0102030405060708', '10.2.3.10'], stdin: null });
    const tcp = newTraceFlow({ protocol: 'tcp', dst: '10.96.100.10', dstPort: 80 }, counting);
    expect(probeCommand(tcp).argv).toEqual(['socat', '-u', '-T1', '/dev/null', `TCP4:10.96.100.10:80,sourceport=29060,mss=${536 + (16909060 % 464)},connect-timeout=1`]);
    const udp = newTraceFlow({ protocol: 'udp', dst: '10.2.3.10', dstPort: 5353 }, counting);
    expect(probeCommand(udp)).toEqual({ argv: ['socat', '-t1', '-T1', 'STDIO', 'UDP4:10.2.3.10:5353,sourceport=29060'], stdin: 'podnet0102030405' });
  });

  it('tells an answer from none by what the tool printed', () => {
    const tcp = newTraceFlow({ protocol: 'tcp', dst: '10.2.3.10', dstPort: 81 }, counting);
    expect(probeOutcome(tcp, { code: 1, stdout: '', stderr: '2026/11/29 05:41:54 socat[10532] E connect(6, AF=2 10.2.3.10:81, 16): Connection refused\n' })).toEqual({
      answered: false,
      said: '2026/11/29 05:41:54 socat[10532] E connect(6, AF=2 10.2.3.10:81, 16): Connection refused',
    });
    const icmp = newTraceFlow({ protocol: 'icmp', dst: '10.2.3.10' }, counting);
    expect(probeOutcome(icmp, { code: 0, stdout: '1 packets transmitted, 1 received, 0% packet loss, time 0ms\n', stderr: '' }).answered).toBe(true);
    expect(probeOutcome(icmp, { code: 1, stdout: '1 packets transmitted, 0 received, 100% packet loss, time 0ms\n', stderr: '' }).answered).toBe(false);
  });
});
