// The packet detail tree: every header with its fields, offset and size.
import { describe, expect, it } from 'vitest';
import { DEFAULT_VXLAN_PORTS } from '../../src/engine/capture/decode-packet';
import { packetLayers } from '../../src/engine/capture/packet-layers';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL2 } from '../../src/engine/capture/pcap';
import { ethernet, icmpEcho, inVxlan, ipv4, sll2 } from '../helpers/packets';

/** A default `ping`: 56 data bytes → ICMP 64, IPv4 84, Ethernet frame 98. */
const ping = () => ipv4('10.2.1.2', '10.2.3.10', 1, icmpEcho(8, 7, 1, Buffer.alloc(56, 0x2a)));
const field = (l: { fields: { name: string; value: string }[] }, name: string) => l.fields.find((x) => x.name === name)?.value;

describe('packet detail tree', () => {
  it('a VXLAN frame: outer Ethernet, IPv4, UDP and VXLAN (VNI 1) — 50 bytes — then the 98-byte inner frame, 148 in all', () => {
    const frame = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, inVxlan(ping(), { src: '198.18.0.11', dst: '198.18.0.12' }));
    expect(frame.length).toBe(148);
    const layers = packetLayers(LINKTYPE_ETHERNET, frame, DEFAULT_VXLAN_PORTS);
    expect(layers.map((l) => [l.name, l.depth, l.offset, l.length])).toEqual([
      ['Ethernet II', 0, 0, 14],
      ['Internet Protocol version 4', 0, 14, 20],
      ['User Datagram Protocol', 0, 34, 8],
      ['Virtual eXtensible Local Area Network', 0, 42, 8],
      ['Ethernet II', 1, 50, 14],
      ['Internet Protocol version 4', 1, 64, 20],
      ['Internet Control Message Protocol', 1, 84, 8],
      ['Data', 1, 92, 56],
    ]);
    const outer = layers.filter((l) => l.depth === 0).reduce((n, l) => n + l.length, 0);
    const inner = layers.filter((l) => l.depth === 1).reduce((n, l) => n + l.length, 0);
    expect([outer, inner]).toEqual([50, 98]);
    expect(field(layers[3]!, 'VXLAN Network Identifier (VNI)')).toBe('1');
    expect(layers[3]!.summary).toBe('VNI: 1');
    expect(field(layers[1]!, 'Protocol')).toBe('UDP (17)');
    expect(field(layers[1]!, 'Total length')).toBe('134 bytes');
    expect(field(layers[2]!, 'Destination port')).toBe('8472');
    expect(layers[5]!.summary).toBe('Src: 10.2.1.2, Dst: 10.2.3.10');
    expect(field(layers[6]!, 'Type')).toBe('8 (Echo (ping) request)');
    expect(field(layers[6]!, 'Identifier')).toBe('7');
  });

  it('`-i any` captures start with the Linux cooked header; UDP on another port is not VXLAN', () => {
    const layers = packetLayers(LINKTYPE_LINUX_SLL2, sll2(4, 'out', 0x0800, ping()), DEFAULT_VXLAN_PORTS);
    expect(layers.map((l) => l.name)).toEqual(['Linux cooked capture v2', 'Internet Protocol version 4', 'Internet Control Message Protocol', 'Data']);
    expect(field(layers[0]!, 'Direction')).toBe('sent by this host');
    const other = packetLayers(LINKTYPE_ETHERNET, ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, inVxlan(ping(), { src: '198.18.0.11', dst: '198.18.0.12', port: 9999 })), DEFAULT_VXLAN_PORTS);
    expect(other.map((l) => l.name)).toEqual(['Ethernet II', 'Internet Protocol version 4', 'User Datagram Protocol', 'Data']);
  });

  it('truncated bytes end in a Data layer, never a throw', () => {
    expect(packetLayers(LINKTYPE_ETHERNET, Buffer.alloc(5), DEFAULT_VXLAN_PORTS)).toEqual([{ name: 'Data', summary: '5 bytes', offset: 0, length: 5, depth: 0, fields: [{ name: 'Length', value: '5' }] }]);
    expect(packetLayers(LINKTYPE_ETHERNET, ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, Buffer.alloc(10)), DEFAULT_VXLAN_PORTS).map((l) => l.name)).toEqual(['Ethernet II', 'Data']);
  });
});
