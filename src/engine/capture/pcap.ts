// The classic pcap file format (what `tcpdump -w` writes and Wireshark
// opens): a 24-byte global header, then per packet a 16-byte record header
// and the bytes. Read incrementally (a capture arrives in arbitrary chunks)
// and written back, so a saved file is always well-formed.

export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

export interface PcapHeader {
  linkType: number;
  /** Timestamps carry nanoseconds (else microseconds). */
  nanos: boolean;
  snaplen: number;
}

export interface PcapRecord {
  seconds: number;
  /** Microseconds or nanoseconds, as the header says. */
  fraction: number;
  originalLength: number;
  data: Buffer;
}

/** tcpdump never captures more of a packet than 262144 bytes (MAXIMUM_SNAPLEN); what the header claims does not raise it. */
export const MAX_RECORD_BYTES = 262144;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export class PcapFormatError extends Error {}

/** Seconds since the epoch with the fraction (µs or ns) folded in. */
export function recordTime(header: PcapHeader, r: PcapRecord): number {
  return r.seconds + r.fraction / (header.nanos ? 1e9 : 1e6);
}

/** Feeds bytes as they arrive; returns each complete record once. */
export class PcapReader {
  private pending: Buffer = Buffer.alloc(0);
  private le = true;
  header: PcapHeader | null = null;

  push(chunk: Buffer): PcapRecord[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.header) {
      if (this.pending.length < GLOBAL_HEADER) return [];
      this.header = this.readGlobalHeader(this.pending);
      this.pending = this.pending.subarray(GLOBAL_HEADER);
    }
    const out: PcapRecord[] = [];
    while (this.pending.length >= RECORD_HEADER) {
      const b = this.pending;
      const u32 = (o: number) => (this.le ? b.readUInt32LE(o) : b.readUInt32BE(o));
      const included = u32(8);
      if (included > MAX_RECORD_BYTES) throw new PcapFormatError(`record of ${included} bytes: the file is damaged`);
      if (b.length < RECORD_HEADER + included) break;
      out.push({ seconds: u32(0), fraction: u32(4), originalLength: u32(12), data: Buffer.from(b.subarray(RECORD_HEADER, RECORD_HEADER + included)) });
      this.pending = b.subarray(RECORD_HEADER + included);
    }
    return out;
  }

  /** Bytes of an unfinished record still waiting for the rest. */
  get leftover(): number {
    return this.pending.length;
  }

  private readGlobalHeader(b: Buffer): PcapHeader {
    const magicLe = b.readUInt32LE(0);
    const magicBe = b.readUInt32BE(0);
    if (magicLe === PCAP_MAGIC_MICROS || magicLe === PCAP_MAGIC_NANOS) this.le = true;
    else if (magicBe === PCAP_MAGIC_MICROS || magicBe === PCAP_MAGIC_NANOS) this.le = false;
    else throw new PcapFormatError(`not a pcap file (magic number 0x${magicLe.toString(16).padStart(8, '0')})`);
    const magic = this.le ? magicLe : magicBe;
    const u32 = (o: number) => (this.le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    return { nanos: magic === PCAP_MAGIC_NANOS, snaplen: u32(16), linkType: u32(20) & 0x0fffffff };
  }
}

/** A whole pcap file → its header and records (throws on a damaged file). */
export function parsePcap(bytes: Buffer): { header: PcapHeader; records: PcapRecord[] } {
  const reader = new PcapReader();
  const records = reader.push(bytes);
  if (!reader.header) throw new PcapFormatError(`not a pcap file (${bytes.length} bytes, shorter than its header)`);
  if (reader.leftover > 0) throw new PcapFormatError(`the file ends inside a packet (${reader.leftover} bytes left over)`);
  return { header: reader.header, records };
}

/** Header and records → a pcap file (little-endian, as tcpdump writes on x86). */
export function writePcap(header: PcapHeader, records: readonly PcapRecord[]): Buffer {
  const head = Buffer.alloc(GLOBAL_HEADER);
  head.writeUInt32LE(header.nanos ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(header.snaplen, 16);
  head.writeUInt32LE(header.linkType, 20);
  const parts: Buffer[] = [head];
  for (const r of records) {
    const rh = Buffer.alloc(RECORD_HEADER);
    rh.writeUInt32LE(r.seconds, 0);
    rh.writeUInt32LE(r.fraction, 4);
    rh.writeUInt32LE(r.data.length, 8);
    rh.writeUInt32LE(r.originalLength, 12);
    parts.push(rh, r.data);
  }
  return Buffer.concat(parts);
}
