// Checks that make something happen in the lab: a ping, a command, a
// capture while a ping runs. Each says what was found when it fails.
import type { CapturedPacket, PacketSummary } from '../../shared/capture';
import type { CheckResult, CheckSpec, PacketMatch } from '../../shared/exercise';
import { checkLabel, describeMatch } from './check-label';
import type { CheckEnv } from './check-env';
import { splitCommandLine } from './command-line';

export type LiveCheck = Extract<CheckSpec, { kind: 'ping' | 'capture' | 'command' }>;

function endpointMatches(p: PacketSummary, m: { src?: string; dst?: string; protocol?: string }): boolean {
  if (m.src && p.src !== m.src) return false;
  if (m.dst && p.dst !== m.dst) return false;
  // A VXLAN packet IS a UDP packet on the wire.
  if (m.protocol && p.protocol !== m.protocol && !(m.protocol === 'udp' && p.protocol === 'vxlan')) return false;
  return true;
}

export function packetMatches(p: CapturedPacket, m: PacketMatch | undefined): boolean {
  if (!m) return true;
  if (!endpointMatches(p.outer, m)) return false;
  if (m.inner && !(p.vxlan && endpointMatches(p.vxlan.inner, m.inner))) return false;
  return true;
}

export function describePacket(p: CapturedPacket): string {
  const o = p.outer;
  const inner = p.vxlan ? ` [inside: ${p.vxlan.inner.src} → ${p.vxlan.inner.dst} ${p.vxlan.inner.protocol} ${p.vxlan.inner.info}]` : '';
  return `${o.src} → ${o.dst} ${p.vxlan ? 'udp/vxlan' : o.protocol}${p.vxlan || !o.info ? '' : ` ${o.info}`}${inner}`;
}

const firstLines = (text: string, n = 3) => {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.length === 0 ? 'nothing' : lines.slice(0, n).join(' | ') + (lines.length > n ? ` | … (${lines.length - n} more lines)` : '');
};

export async function evaluateLiveCheck(c: LiveCheck, env: CheckEnv): Promise<CheckResult> {
  const label = checkLabel(c);
  const done = (ok: boolean, found: string): CheckResult => ({ label, kind: c.kind, status: ok ? 'passed' : 'failed', found: ok ? null : found });
  switch (c.kind) {
    case 'ping': {
      const r = await env.ping(c.from, c.to, c.count);
      const got = r.ok ? `${r.received}/${r.transmitted} replies from ${r.destination}` : `no reply from ${r.destination} (${firstLines(r.output.split('\n').filter((l) => /unreachable|loss|error/i.test(l)).join('\n'), 2)})`;
      return done(r.ok === (c.expect === 'success'), got);
    }
    case 'command': {
      const r = await env.exec(c.on, splitCommandLine(c.run));
      const problems: string[] = [];
      if (r.code !== c.exit) problems.push(`exit code ${r.code}`);
      if (c.output && !new RegExp(c.output, 'm').test(r.stdout + r.stderr)) problems.push(`output did not match /${c.output}/`);
      return done(problems.length === 0, `${problems.join(', ')}; it printed: ${firstLines(r.stdout + r.stderr)}`);
    }
    case 'capture': {
      const { from, to, count } = c.during.ping;
      const packets = await env.capture(c.on, c.iface, c.filter, () => env.ping(from, to, count));
      const matching = packets.filter((p) => packetMatches(p, c.match));
      const what = describeMatch(c.match) || 'packets';
      if (c.expect === 'packets') {
        const seen = packets.length ? `captured ${packets.length} packet(s), none ${what}: ${packets.slice(0, 3).map(describePacket).join('; ')}` : `captured nothing on ${c.on} ${c.iface}`;
        return done(matching.length > 0, seen);
      }
      return done(matching.length === 0, `captured ${matching.length} ${what}, e.g. ${matching.slice(0, 2).map(describePacket).join('; ')}`);
    }
  }
}
