import type { PathHop, PathLeg } from '../../shared/path';
import { ExitCode } from '../cli-errors';
import { interruptSignal, withEngine } from '../cli-context';

function hopLine(h: PathHop, n: number): string {
  const where = `${String(n).padStart(3)}  ${h.node.padEnd(12)} ${h.iface.padEnd(14)} ${(h.ifaceKind ?? '').padEnd(7)} ${h.direction.padEnd(3)}`;
  const packet = `${h.packet.src} → ${h.packet.dst}`;
  const tunnel = h.tunnel ? `  in VXLAN ${h.tunnel.src} → ${h.tunnel.dst}:${h.tunnel.port} VNI ${h.tunnel.vni}` : '';
  const time = `+${(h.offsetNs / 1000).toFixed(0)}µs`.padStart(9);
  return `${where} ${time}  ${packet}${tunnel}${h.note ? `  ← ${h.note}` : ''}`;
}

function legLines(name: string, leg: PathLeg): string[] {
  const head = `${name}: ${leg.reached ? `arrived at ${leg.lastSeen!.node}` : leg.lastSeen ? `stopped — last seen at ${leg.lastSeen.node} ${leg.lastSeen.iface} (${leg.lastSeen.direction})` : 'never seen'}`;
  return [head, ...leg.hops.map((h, i) => hopLine(h, i + 1)), ...(leg.reason ? [`     why: ${leg.reason}`] : [])];
}

export async function pathCommand(lab: string, from: string, to: string, flags: { json?: boolean }): Promise<void> {
  const ok = await withEngine(async (engine) => {
    const path = await engine.packetPath(lab, from, to, { signal: interruptSignal() });
    if (flags.json) process.stdout.write(JSON.stringify(path, null, 2) + '\n');
    else {
      const lines = [
        `path of one ping ${path.from} → ${path.to} (${path.source ?? '?'} → ${path.destination}), captured on ${path.observed.join(', ')}`,
        '',
        ...legLines('request', path.request),
        '',
        ...legLines('reply', path.reply),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    }
    return path.ok;
  });
  if (!ok) throw new ExitCode(1);
}
