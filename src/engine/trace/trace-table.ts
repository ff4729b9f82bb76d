// The nftables table that marks ONE flow for tracing in a namespace
// (`meta nftrace set 1`). Why an own nft table and not an iptables
// `-t raw … -j TRACE` rule: the kernel's trace flag is a property of the
// packet, so one mark makes EVERY table report it — iptables-nft's tables
// (filter, nat, …) and native ones like kube-proxy's `ip kube-proxy` alike —
// while `iptables-save` never shows the table, and deleting it removes
// everything at once (a `raw` rule would leave a `*raw` table behind where
// there was none). `flags owner` ties it to the nft process that made it:
// when that process ends for any reason, the kernel deletes the table.
//
// Hooks and priorities (nft 1.0.6 names them): `raw - 1` (-301) marks the
// request before anything else sees it, iptables' raw table (-300)
// included; -199, right after conntrack (-200), records the packet's
// conntrack id and marks every later packet of that connection: the reply
// (whatever NAT did to it) and ICMP errors about it (conntrack relates them).
import type { TraceFlow, TraceMarker } from './trace-flow';

export const TRACE_TABLE_PREFIX = 'podnet-trace-';
/** Conntrack ids of the traced flow stay in the set this long (longer than any trace). */
const FLOW_MEMORY_S = 120;

/** The chains of the trace table: events in them are the trace's own and never shown. */
export const TRACE_CHAINS = { markIn: 'mark-in', markOut: 'mark-out', followIn: 'follow-in', followOut: 'follow-out' } as const;

/** `podnet-trace-<12 hex>`: a fresh name per trace (two traces of one namespace never meet). */
export function traceTableName(id: string): string {
  if (!/^[0-9a-f]{6,16}$/.test(id)) throw new Error(`bad trace id ${id}`);
  return `${TRACE_TABLE_PREFIX}${id}`;
}

export function isTraceTable(name: string): boolean {
  return name.startsWith(TRACE_TABLE_PREFIX);
}

/** The nft expression that matches the flow's marked packets (requests; replies where they echo the marker). */
export function markerMatch(m: TraceMarker): string {
  switch (m.kind) {
    case 'icmp-payload':
      if (!/^[0-9a-f]{16}$/.test(m.pattern)) throw new Error(`bad icmp pattern ${m.pattern}`);
      // ICMP header (8 bytes) and ping's timestamp (16 bytes) come first: the pattern starts at bit 192.
      return `icmp type { echo-request, echo-reply } @th,192,64 0x${m.pattern}`;
    case 'tcp-mss':
      if (!Number.isInteger(m.mss) || m.mss < 1 || m.mss > 65535) throw new Error(`bad mss ${m.mss}`);
      return `tcp flags & (syn | ack) == syn tcp option maxseg size ${m.mss}`;
    case 'udp-payload':
      if (!/^[a-z0-9]{16}$/.test(m.text)) throw new Error(`bad udp marker ${m.text}`);
      return `meta l4proto udp @th,64,128 0x${Buffer.from(m.text, 'latin1').toString('hex')}`;
  }
}

/**
 * What the conntrack-follow rule lets through besides the marked packets:
 * for TCP only SYN, SYN-ACK and RST (the handshake, not every ACK and FIN of
 * the probe); for the others every packet of the connection.
 */
function followFilter(flow: TraceFlow): string[] {
  return flow.protocol === 'tcp' ? ['meta l4proto != tcp', 'tcp flags & (syn | rst) != 0'] : [''];
}

/**
 * The table as nft commands on ONE line (`nft -i` runs a line as one
 * transaction: all of it or nothing).
 */
export function traceTableCommands(table: string, flow: TraceFlow): string {
  if (!isTraceTable(table) || !/^[a-z0-9-]+$/.test(table)) throw new Error(`bad trace table ${table}`);
  const t = `ip ${table}`;
  const match = markerMatch(flow.marker);
  const c = TRACE_CHAINS;
  const chain = (name: string, hook: 'prerouting' | 'output', priority: number) =>
    `add chain ${t} ${name} { type filter hook ${hook} priority ${priority}; policy accept; }`;
  const commands = [
    `add table ${t} { flags owner; }`,
    `add set ${t} flows { typeof ct id; flags dynamic,timeout; timeout ${FLOW_MEMORY_S}s; }`,
    chain(c.markIn, 'prerouting', -301),
    chain(c.markOut, 'output', -301),
    chain(c.followIn, 'prerouting', -199),
    chain(c.followOut, 'output', -199),
    `add rule ${t} ${c.markIn} ${match} meta nftrace set 1`,
    `add rule ${t} ${c.markOut} ${match} meta nftrace set 1`,
  ];
  for (const follow of [c.followIn, c.followOut]) {
    commands.push(`add rule ${t} ${follow} ${match} add @flows { ct id }`);
    for (const filter of followFilter(flow)) commands.push(`add rule ${t} ${follow} ct id @flows ${filter ? `${filter} ` : ''}meta nftrace set 1`);
  }
  return commands.join('; ');
}
