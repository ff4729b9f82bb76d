import type { PacketPath, PathHop, PathHopWhy, PathLeg, PathProtocol } from '../../shared/path';
import { ERROR_CODES } from '../../shared/errors';
import { PodnetError } from '../../engine/errors';
import { parsePathRequest } from '../../engine/path/path-request';
import { ExitCode } from '../cli-errors';
import { interruptSignal, withEngine } from '../cli-context';

function hopLine(h: PathHop, n: number): string {
  const where = `${String(n).padStart(3)}  ${h.node.padEnd(12)} ${h.iface.padEnd(14)} ${(h.ifaceKind ?? '').padEnd(7)} ${h.direction.padEnd(3)}`;
  const packet = `${h.packet.src} → ${h.packet.dst}${h.offsetNs === null ? ` ${h.packet.info}` : ''}`;
  const tunnel = h.tunnel ? `  in VXLAN ${h.tunnel.src} → ${h.tunnel.dst}:${h.tunnel.port} VNI ${h.tunnel.vni}` : '';
  const time = h.offsetNs === null ? '' : ` ${`+${(h.offsetNs / 1000).toFixed(0)}µs`.padStart(9)}`;
  return `${where}${time}  ${packet}${tunnel}${h.note ? `  ← ${h.note}` : ''}`;
}

const whyLines = (w: PathHopWhy) => w.lines.map((l) => `       ${l}`);

/** The leg's hops, each namespace's "why" after its last hop; namespaces traced but not among the hops after them. */
function legLines(name: 'request' | 'reply', leg: PathLeg, whys: readonly PathHopWhy[]): string[] {
  const head = `${name}: ${leg.reached ? `arrived at ${leg.lastSeen!.node}` : leg.lastSeen ? `stopped — last seen at ${leg.lastSeen.node} ${leg.lastSeen.iface} (${leg.lastSeen.direction})` : 'never seen'}`;
  const mine = whys.filter((w) => w.leg === name);
  const told = new Set<string>();
  const lines = [head];
  leg.hops.forEach((h, i) => {
    lines.push(hopLine(h, i + 1));
    const w = mine.find((x) => x.node === h.node);
    if (w && leg.hops[i + 1]?.node !== h.node && !told.has(h.node)) {
      told.add(h.node);
      lines.push(...whyLines(w));
    }
  });
  for (const w of mine.filter((x) => !told.has(x.node))) lines.push(`  ·  ${w.node} (traced)`, ...whyLines(w));
  if (leg.reason) lines.push(`     why: ${leg.reason}`);
  return lines;
}

const PROBE: Record<PathProtocol, string> = { icmp: 'one ping', tcp: 'one TCP connection (SYN, SYN-ACK)', udp: 'one UDP datagram' };

export function formatPath(path: PacketPath): string[] {
  const t = path.trace;
  const how = t && t.traced.length ? `traced in ${t.traced.join(', ')}` : '';
  const captured = path.protocol === 'icmp' ? `captured on ${path.observed.join(', ')}` : '';
  const whys = t?.hops ?? [];
  const lines = [
    `path of ${PROBE[path.protocol]} ${path.from} → ${path.to} (${t?.flow ?? `${path.source ?? '?'} → ${path.destination}`}), ${[captured, how].filter(Boolean).join('; ')}`,
    '',
    ...legLines('request', path.request, whys),
    '',
    ...legLines('reply', path.reply, whys),
  ];
  if (t?.stop) lines.push('', `stopped: ${t.stop.text}`);
  if (t) {
    lines.push('', t.cleanup.verified ? 'trace marks removed: every traced namespace\'s rules are as they were' : `trace marks: ${t.cleanup.changes.length ? t.cleanup.changes.join('; ') : 'not verified'}`);
    for (const e of t.errors) lines.push(`not traced: ${e}`);
  }
  return lines;
}

export interface PathFlags {
  json?: boolean;
  tcp?: boolean;
  udp?: boolean;
  icmp?: boolean;
}

function protocolOf(flags: PathFlags): PathProtocol | undefined {
  const chosen = (['icmp', 'tcp', 'udp'] as const).filter((p) => flags[p]);
  if (chosen.length > 1) throw new PodnetError(ERROR_CODES.USAGE, `--${chosen.join(' and --')} together: choose one protocol`, { hint: 'a port alone means --tcp; no port, a ping' });
  return chosen[0];
}

export async function pathCommand(lab: string, from: string, to: string, flags: PathFlags): Promise<void> {
  const protocol = protocolOf(flags);
  // Bad input is told before any lab is looked for.
  parsePathRequest(to, { protocol });
  const ok = await withEngine(async (engine) => {
    const path = await engine.packetPath(lab, from, to, { signal: interruptSignal(), ...(protocol ? { protocol } : {}) });
    if (flags.json) process.stdout.write(JSON.stringify(path, null, 2) + '\n');
    else process.stdout.write(formatPath(path).join('\n') + '\n');
    return path.ok;
  });
  if (!ok) throw new ExitCode(1);
}
