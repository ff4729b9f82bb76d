// Packet capture DTOs: what a capture session streams to the CLI and the UI.
// Everything here is plain data (serializable over IPC).

/** One decoded layer-3/4 view of a packet (the outer one, or the one inside a tunnel). */
export interface PacketSummary {
  /** Source and destination: IPv4 addresses, or MACs when there is no IP layer. */
  src: string;
  dst: string;
  /** icmp | udp | tcp | arp | vxlan | ip | ethernet… (vxlan: the outer UDP carries a VXLAN frame). */
  protocol: string;
  srcPort: number | null;
  dstPort: number | null;
  /** One readable line in tcpdump's spirit: "echo request id 7 seq 1", "8472 → 8472 len 106". */
  info: string;
  /** ICMP type/code when the packet is ICMP. */
  icmp: IcmpSummary | null;
}

export interface IcmpSummary {
  type: number;
  code: number;
  /** Echo request/reply identifier and sequence number. */
  id: number | null;
  seq: number | null;
  /** For errors (unreachable, time exceeded): the packet that caused it, as quoted in the error. */
  original: { src: string; dst: string; protocol: string } | null;
}

/** One field of a header, as a detail tree shows it ("Time to live", "64"). */
export interface PacketField {
  name: string;
  value: string;
}

/** One header of a packet, in the order it is on the wire (Wireshark's detail tree, one level deep). */
export interface PacketLayer {
  /** "Ethernet II", "Internet Protocol version 4", "User Datagram Protocol", "Virtual eXtensible LAN", "ICMP", "Data"… */
  name: string;
  /** Its row in the tree: "Src: 10.2.1.2, Dst: 10.2.3.10". */
  summary: string;
  /** Where the header starts in the captured bytes, and its size in bytes. */
  offset: number;
  length: number;
  /** 0: the packet as captured; 1: the frame inside a VXLAN tunnel. */
  depth: number;
  fields: PacketField[];
}

export interface CapturedPacket {
  /** 1-based, in the order the capture saw them. */
  index: number;
  /** Capture time: seconds since the epoch, with nanoseconds as the fraction. */
  time: number;
  /** Length on the wire, and how much of it was captured. */
  length: number;
  capturedLength: number;
  /** `in` or `out` when the capture knows (captures on `any`), else null. */
  direction: 'in' | 'out' | null;
  /** Interface index the packet was seen on (captures on `any`), else null. */
  ifindex: number | null;
  outer: PacketSummary;
  /** For VXLAN: the VNI and the packet inside the tunnel. */
  vxlan: { vni: number; inner: PacketSummary } | null;
  /** Every header with its fields and size, outer first (the detail pane). */
  layers: PacketLayer[];
}

export interface CaptureRequest {
  /** `host`, `host/pod` or `internet`. */
  target: string;
  /** Interface name in that host or pod (`any` for all of them). */
  iface: string;
  /** A tcpdump filter expression; passed to tcpdump as one argv element, never through a shell. */
  filter?: string;
  /** Stop after this many packets. */
  count?: number;
}

export interface CaptureSummary {
  lab: string;
  target: string;
  iface: string;
  filter: string | null;
  packets: number;
  /** What tcpdump said when it ended ("5 packets captured", errors). */
  message: string;
  /** Why it ended: stopped by the caller, reached `count`, reached the session's bound (100,000 packets or 64 MiB), or failed. */
  reason: 'stopped' | 'count' | 'limit' | 'error' | 'ended';
}

export interface CaptureListener {
  onPacket?(packet: CapturedPacket): void;
  onEnd?(summary: CaptureSummary): void;
}
