// The probe that a trace follows, run in the source namespace with the node
// image's own tools (iputils ping, socat 1.7.4):
//   icmp  ONE echo request carrying the marker pattern (`ping -p`),
//   tcp   ONE connection attempt from the fixed source port whose SYN
//         announces the marker MSS (socat `mss=` sets TCP_MAXSEG before
//         connect, which is what the SYN announces); nothing is sent on it,
//   udp   ONE datagram whose text is the marker, from the fixed source port;
//         socat waits a second for an answer (a datagram, or the ICMP error
//         that makes it fail with "Connection refused").
// Every probe gives up after about a second: a SYN that gets no answer is
// not sent again (Linux would retransmit it after 1 s).
import { pingArgv } from '../ping';
import type { TraceFlow } from './trace-flow';

export const PROBE_TIMEOUT_S = 1;

export interface ProbeCommand {
  argv: string[];
  /** What the probe sends on its standard input (the UDP datagram). */
  stdin: string | null;
}

export function probeCommand(flow: TraceFlow): ProbeCommand {
  const m = flow.marker;
  switch (flow.protocol) {
    case 'icmp':
      if (m.kind !== 'icmp-payload') break;
      return { argv: pingArgv(flow.dst, 1, m.pattern), stdin: null };
    case 'tcp':
      if (m.kind !== 'tcp-mss' || flow.srcPort == null || flow.dstPort == null) break;
      return {
        argv: ['socat', '-u', `-T${PROBE_TIMEOUT_S}`, '/dev/null', `TCP4:${flow.dst}:${flow.dstPort},sourceport=${flow.srcPort},mss=${m.mss},connect-timeout=${PROBE_TIMEOUT_S}`],
        stdin: null,
      };
    case 'udp':
      if (m.kind !== 'udp-payload' || flow.srcPort == null || flow.dstPort == null) break;
      return { argv: ['socat', `-t${PROBE_TIMEOUT_S}`, `-T${PROBE_TIMEOUT_S}`, 'STDIO', `UDP4:${flow.dst}:${flow.dstPort},sourceport=${flow.srcPort}`], stdin: m.text };
  }
  throw new Error(`a ${flow.protocol} flow with a ${m.kind} marker cannot be probed`);
}

export interface ProbeOutcome {
  /** icmp: a reply came; tcp: the connection was accepted (SYN-ACK); udp: a datagram came back. */
  answered: boolean;
  /** What the tool said, trimmed (its error when it failed). */
  said: string;
}

/** The probe's exit and output → whether the other side answered. */
export function probeOutcome(flow: TraceFlow, r: { code: number; stdout: string; stderr: string }): ProbeOutcome {
  const said = (r.code === 0 ? r.stdout : r.stderr || r.stdout).trim().split('\n').slice(-3).join('\n');
  if (flow.protocol === 'icmp') return { answered: r.code === 0 && / 1 received/.test(r.stdout), said };
  if (flow.protocol === 'tcp') return { answered: r.code === 0, said };
  return { answered: r.code === 0 && r.stdout.length > 0, said };
}
