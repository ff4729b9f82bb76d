import { describe, expect, it } from 'vitest';
import { decodeFrame, toCapturedPacket } from '../../src/engine/capture/decode-packet';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL2 } from '../../src/engine/capture/pcap';
import { echoPacket, ethernet, icmpUnreachable, inVxlan, ipv4, sll2, udp } from '../helpers/packets';

const pattern = Buffer.from('0123456789abcdef', 'hex');

describe('decoding captured packets', () => {
  it('an ICMP echo request on Ethernet', () => {
    const f = decodeFrame(LINKTYPE_ETHERNET, ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, echoPacket('10.2.1.2', '10.2.3.10', 8, 3, pattern)));
    expect(f.outer).toMatchObject({ src: '10.2.1.2', dst: '10.2.3.10', protocol: 'icmp', info: 'echo request id 77 seq 3', icmp: { type: 8, id: 77, seq: 3 } });
    expect(f.outer.payload.includes(pattern)).toBe(true);
    expect(f.vxlan).toBeNull();
  });

  it('VXLAN on UDP 8472: the outer UDP packet and the ICMP packet inside it', () => {
    const frame = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, inVxlan(echoPacket('10.2.1.2', '10.2.3.10', 8, 1, pattern), { src: '198.18.1.11', dst: '198.18.1.12' }));
    const f = decodeFrame(LINKTYPE_ETHERNET, frame);
    expect(f.outer).toMatchObject({ src: '198.18.1.11', dst: '198.18.1.12', protocol: 'vxlan', dstPort: 8472 });
    expect(f.vxlan?.vni).toBe(1);
    expect(f.vxlan?.inner).toMatchObject({ src: '10.2.1.2', dst: '10.2.3.10', protocol: 'icmp' });
  });

  it('UDP on another port stays UDP, unless the port is named a VXLAN port', () => {
    const pkt = ipv4('198.18.1.11', '198.18.1.12', 17, udp(1, 9999, Buffer.alloc(40)));
    expect(decodeFrame(LINKTYPE_ETHERNET, ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, pkt)).outer).toMatchObject({ protocol: 'udp', srcPort: 1, dstPort: 9999 });
    const custom = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, inVxlan(echoPacket('10.2.1.2', '10.2.3.10', 8, 1, pattern), { src: '198.18.1.11', dst: '198.18.1.12', port: 9999 }));
    expect(decodeFrame(LINKTYPE_ETHERNET, custom).outer.protocol).toBe('udp');
    expect(decodeFrame(LINKTYPE_ETHERNET, custom, [9999]).vxlan?.inner).toMatchObject({ protocol: 'icmp', dst: '10.2.3.10' });
  });

  it('Linux cooked v2 (`-i any`): interface index and direction', () => {
    const out = decodeFrame(LINKTYPE_LINUX_SLL2, sll2(5, 'out', 0x0800, echoPacket('10.2.1.2', '10.2.3.10', 8, 1, pattern)));
    expect(out).toMatchObject({ ifindex: 5, direction: 'out' });
    expect(decodeFrame(LINKTYPE_LINUX_SLL2, sll2(2, 'in', 0x0800, echoPacket('10.2.3.10', '10.2.1.2', 0, 1, pattern))).direction).toBe('in');
  });

  it('ICMP errors name the packet they are about', () => {
    const original = echoPacket('10.2.1.2', '10.2.3.10', 8, 1, pattern);
    const f = decodeFrame(LINKTYPE_ETHERNET, ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, ipv4('10.2.1.1', '10.2.1.2', 1, icmpUnreachable(0, original))));
    expect(f.outer.icmp?.original).toEqual({ src: '10.2.1.2', dst: '10.2.3.10', protocol: 'icmp' });
    expect(f.outer.info).toBe('net unreachable (for 10.2.1.2 → 10.2.3.10 icmp)');
  });

  it('ARP', () => {
    const arp = Buffer.alloc(28);
    arp.writeUInt16BE(1, 0);
    arp.writeUInt16BE(0x0800, 2);
    arp[4] = 6;
    arp[5] = 4;
    arp.writeUInt16BE(1, 6);
    Buffer.from([172, 17, 0, 2]).copy(arp, 14);
    Buffer.from([172, 17, 0, 3]).copy(arp, 24);
    const f = decodeFrame(LINKTYPE_ETHERNET, ethernet('02:00:00:00:00:01', 'ff:ff:ff:ff:ff:ff', 0x0806, arp));
    expect(f.outer).toMatchObject({ protocol: 'arp', src: '172.17.0.2', dst: '172.17.0.3', info: 'who has 172.17.0.3? tell 172.17.0.2' });
  });

  it('truncated frames and unknown link types decode to a readable placeholder instead of throwing', () => {
    expect(decodeFrame(LINKTYPE_ETHERNET, Buffer.alloc(5)).outer.info).toBe('truncated frame');
    expect(decodeFrame(999, Buffer.alloc(60)).outer.protocol).toBe('linktype-999');
  });

  it('the DTO the UI lists: time, lengths, no raw payload', () => {
    const data = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, echoPacket('10.2.1.2', '10.2.3.10', 8, 1, pattern));
    const p = toCapturedPacket({ linkType: 1, nanos: true, snaplen: 262144 }, { seconds: 10, fraction: 500_000_000, originalLength: 200, data }, 1);
    expect(p).toMatchObject({ index: 1, time: 10.5, length: 200, capturedLength: data.length, direction: null });
    expect(p.outer).not.toHaveProperty('payload');
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});
