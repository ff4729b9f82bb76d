import { describe, expect, it } from 'vitest';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL2, PcapFormatError, PcapReader, parsePcap, recordTime, writePcap, type PcapRecord } from '../../src/engine/capture/pcap';

const records: PcapRecord[] = [
  { seconds: 1_700_000_000, fraction: 123_456_789, originalLength: 98, data: Buffer.alloc(98, 1) },
  { seconds: 1_700_000_001, fraction: 5, originalLength: 1500, data: Buffer.alloc(96, 2) },
];

describe('pcap files', () => {
  it('round-trip: header, record times, lengths and bytes survive writing and reading', () => {
    const file = writePcap({ linkType: LINKTYPE_LINUX_SLL2, nanos: true, snaplen: 262144 }, records);
    expect(file.readUInt32LE(0)).toBe(0xa1b23c4d);
    expect(file.length).toBe(24 + 16 + 98 + 16 + 96);
    const { header, records: back } = parsePcap(file);
    expect(header).toEqual({ linkType: LINKTYPE_LINUX_SLL2, nanos: true, snaplen: 262144 });
    expect(back).toEqual(records);
    expect(recordTime(header, back[0]!)).toBeCloseTo(1_700_000_000.123456789, 6);
  });

  it('microsecond files have the classic magic number', () => {
    const file = writePcap({ linkType: LINKTYPE_ETHERNET, nanos: false, snaplen: 65535 }, []);
    expect(file.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(parsePcap(file)).toEqual({ header: { linkType: 1, nanos: false, snaplen: 65535 }, records: [] });
  });

  it('reads big-endian files too', () => {
    const le = writePcap({ linkType: 1, nanos: false, snaplen: 100 }, [records[0]!]);
    const be = Buffer.from(le);
    for (const o of [0, 16, 20, 24, 28, 32, 36]) be.writeUInt32BE(le.readUInt32LE(o), o);
    be.writeUInt16BE(2, 4);
    be.writeUInt16BE(4, 6);
    const { header, records: back } = parsePcap(be);
    expect(header.snaplen).toBe(100);
    expect(back[0]!.seconds).toBe(records[0]!.seconds);
    expect(back[0]!.data.equals(records[0]!.data)).toBe(true);
  });

  it('yields each record once as bytes arrive in arbitrary chunks', () => {
    const file = writePcap({ linkType: 1, nanos: true, snaplen: 262144 }, records);
    const reader = new PcapReader();
    const seen: PcapRecord[] = [];
    for (let i = 0; i < file.length; i += 7) seen.push(...reader.push(file.subarray(i, i + 7)));
    expect(seen).toEqual(records);
    expect(reader.leftover).toBe(0);
  });

  it('refuses what is not a pcap file, and a file cut inside a packet', () => {
    expect(() => parsePcap(Buffer.from('hello, this is not a capture file'))).toThrow(PcapFormatError);
    expect(() => parsePcap(Buffer.alloc(10))).toThrow(/shorter than its header/);
    const file = writePcap({ linkType: 1, nanos: true, snaplen: 262144 }, records);
    expect(() => parsePcap(file.subarray(0, file.length - 3))).toThrow(/ends inside a packet/);
  });
});
