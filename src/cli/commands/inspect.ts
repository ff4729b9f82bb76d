import type { HostState, Iface, NetnsState } from '../../shared/snapshot';
import { formatRoute } from '../../engine/observe/route-lookup';
import { withEngine } from '../cli-context';
import { statusAdvice, statusText } from '../lab-status';
import { formatServices } from '../format-services';
import { formatNetpol } from '../format-netpol';

export async function inspectCommand(lab: string, flags: { json?: boolean }): Promise<void> {
  await withEngine(async (engine) => {
    const snapshot = await engine.inspect(lab);
    if (flags.json) {
      process.stdout.write(JSON.stringify(snapshot, null, 2) + '\n');
      return;
    }
    const out: string[] = [`lab ${snapshot.name} — observed ${snapshot.takenAt}`];
    // A host that could not be read: say what is wrong with the lab, and what to do.
    if ([...snapshot.hosts, snapshot.internet].some((h) => h && !h.reachable)) {
      const summary = (await engine.list()).find((l) => l.name === lab);
      const advice = summary && statusAdvice(summary);
      if (summary && summary.status !== 'running') out.push(`${statusText(summary)}${advice ? ` (${advice})` : ''}`);
    }
    for (const h of [...snapshot.hosts, ...(snapshot.internet ? [snapshot.internet] : [])]) out.push('', ...formatHost(h));
    process.stdout.write(out.join('\n') + '\n');
  });
}

function formatIface(i: Iface): string {
  const addrs = i.addresses.filter((a) => a.family === 'inet').map((a) => `${a.address}/${a.prefixLen}`);
  const parts = [i.name.padEnd(14), i.kind.padEnd(7), (i.mac ?? '').padEnd(17), `mtu ${i.mtu}`.padEnd(9), i.state.padEnd(7), addrs.join(' ')];
  if (i.master) parts.push(`master ${i.master}`);
  if (i.vxlan) parts.push(`vxlan id ${i.vxlan.id} port ${i.vxlan.port} local ${i.vxlan.local} dev ${i.vxlan.dev}${i.vxlan.learning ? '' : ' nolearning'}`);
  return parts.join(' ').trimEnd();
}

function formatNetns(s: NetnsState, indent: string): string[] {
  const out = [`${indent}interfaces:`, ...s.interfaces.map((i) => `${indent}  ${formatIface(i)}`), `${indent}routes:`];
  for (const r of s.routes) {
    out.push(`${indent}  ${formatRoute(r)}`);
  }
  if (s.neighbours.length) out.push(`${indent}neighbours:`, ...s.neighbours.map((n) => `${indent}  ${n.dst} dev ${n.dev}${n.lladdr ? ` lladdr ${n.lladdr}` : ''} ${n.state.join(',')}`));
  return out;
}

function formatHost(h: HostState): string[] {
  const out = [`${h.role === 'internet' ? 'internet node' : 'host'} ${h.name}  underlay ${h.underlayIp ?? '-'}`];
  if (!h.reachable) return [...out, `  UNREACHABLE: ${h.error}`];
  out.push(...formatNetns(h, '  '));
  if (h.fdb.length) out.push('  fdb:', ...h.fdb.map((f) => `    ${f.mac} dev ${f.dev}${f.dst ? ` dst ${f.dst}` : ''}${f.master ? ` master ${f.master}` : ''} ${[...f.flags, f.state ?? ''].join(' ').trim()}`));
  for (const table of ['nat', 'filter'] as const) {
    const rules = h.iptables[table].filter((l) => l.startsWith('-A') || (l.startsWith(':') && !/^:(PREROUTING|INPUT|OUTPUT|POSTROUTING|FORWARD) ACCEPT/.test(l)));
    if (rules.length) out.push(`  iptables ${table}:`, ...rules.map((l) => `    ${l}`));
  }
  if (h.services) out.push(...formatServices(h.services, '  '));
  if (h.netpol) out.push(...formatNetpol(h.netpol, '  '));
  for (const p of h.pods) out.push(`  pod ${p.name}  ${p.ip ?? 'no address'}`, ...formatNetns(p, '    '));
  return out;
}
