// Checking a machine before a lab is built on it, in one round trip: the
// prerequisites (root, ip, bridge, iptables, the vxlan module, `ip netns`),
// its underlay interface and address, a lab already there, and anything of
// the machine's own the lab would clash with. The script only reports; the
// verdict is made here, so every problem of every host is told at once.
import type { Iface, Route } from '../../../shared/snapshot';
import { isIpv4, overlaps } from '../../ipam/cidr';
import { splitJsonValues } from '../../observe/json-values';
import { splitSections } from '../../observe/observe-script';
import { parseLinks, parseRoutes } from '../../observe/parse-iproute';
import type { LabSpec } from '../../spec/lab-spec';
import { shellQuote } from '../../util/shell-quote';
import { SSH_PLAN_CONTEXT } from './ssh-plan-context';
import type { SshTarget } from './ssh-target';

export interface CheckNeeds {
  vxlan: { vni: number; port: number } | null;
  /** socat (pods that serve). */
  responder: boolean;
  /** Links the lab will create (already prefixed). */
  links: string[];
  /** Subnets the lab routes (cluster CIDR, or the docker0 subnet). */
  subnets: string[];
  /** Ports the lab publishes, per host: DNAT would take them from whatever the machine runs there. */
  published?: { host: string; port: number; protocol: 'tcp' | 'udp'; to: string }[];
}

const IFACE = /^[A-Za-z0-9_.-]{1,15}$/;

const PACKAGES: Record<string, string> = { ip: 'iproute2', bridge: 'iproute2', ss: 'iproute2', iptables: 'iptables', 'iptables-restore': 'iptables', 'iptables-save': 'iptables', socat: 'socat', setsid: 'util-linux', sed: 'sed' };

/** What a lab needs of each machine, and what it will create there (named for a shared machine). */
export function checkNeeds(spec: LabSpec): CheckNeeds {
  const net = spec.network;
  const link = SSH_PLAN_CONTEXT.names!.link;
  const vxlan = net.mode === 'pod-cidr' && net.backend === 'vxlan' ? { vni: net.vxlan.vni, port: net.vxlan.port } : null;
  return {
    vxlan,
    responder: spec.hosts.some((h) => h.pods.some((p) => p.serve !== null)),
    links: [link(net.mode === 'docker0' ? 'docker0' : 'cni0'), ...(vxlan ? [link(`flannel.${vxlan.vni}`)] : [])],
    subnets: [net.cidr],
    published: spec.publish.map((p) => ({ host: p.host, port: p.port, protocol: p.protocol, to: p.to })),
  };
}

export function hostCheckScript(needs: CheckNeeds, stateDir: string): string {
  const commands = ['ip', 'bridge', 'ss', 'iptables', 'iptables-restore', 'iptables-save', 'setsid', 'sed', ...(needs.responder ? ['socat'] : [])];
  return `PATH="$PATH:/usr/sbin:/sbin"
printf '\\036section missing\\n'
for c in ${commands.join(' ')}; do command -v "$c" >/dev/null 2>&1 || echo "command $c"; done
if command -v ip >/dev/null 2>&1; then
  n=pnp$$
  { ip netns add "$n" && ip netns del "$n"; } >/dev/null 2>&1 || echo netns
  { ip link add "$n" type bridge && ip link del "$n"; } >/dev/null 2>&1 || echo bridge
${needs.vxlan ? `  { ip link add "$n" type vxlan id 16777001 dstport 4789 && ip link del "$n"; } >/dev/null 2>&1 || echo vxlan\n` : ''}fi
if command -v iptables >/dev/null 2>&1; then iptables -w 5 -t nat -S >/dev/null 2>&1 || echo iptables-nat; fi
printf '\\036section ip\\n'
ip -j -d -batch - <<'PODNET_EOF' 2>/dev/null
addr show
route show
PODNET_EOF
printf '\\036section listen\\n'
ss -Hlntup 2>/dev/null
printf '\\036section lab\\n'
cat ${shellQuote(`${stateDir}/manifest.json`)} 2>/dev/null
true
`;
}

export interface HostCheck {
  problems: string[];
  underlay: { ip: string; dev: string } | null;
  /** The lab whose state is on the machine already, if any. */
  labThere: string | null;
  /** Whose that lab is (null: not recorded). */
  ownerThere: string | null;
}

/**
 * The verdict. `serverAddress`: the address Podnet reached the machine at —
 * the underlay is on `iface` if given, else on the default route's
 * interface, else on the interface holding that address.
 */
export function assessHostCheck(output: string, t: SshTarget, needs: CheckNeeds, lab: string, serverAddress: string | null, who: { me: string; force?: boolean } | null = null): HostCheck {
  const sections = splitSections(output);
  const problems: string[] = [];
  const missing = (sections.get('missing') ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const commands = missing.filter((m) => m.startsWith('command ')).map((m) => m.slice(8));
  if (commands.length) problems.push(`missing ${commands.join(', ')} (install: ${[...new Set(commands.map((c) => PACKAGES[c] ?? c))].join(' ')})`);
  if (missing.includes('netns')) problems.push('`ip netns` does not work (network namespaces need kernel support and a writable /run)');
  if (missing.includes('bridge')) problems.push('cannot create a bridge (the bridge kernel module: modprobe bridge)');
  if (missing.includes('vxlan')) problems.push('cannot create a VXLAN device (the vxlan kernel module: modprobe vxlan)');
  if (missing.includes('iptables-nat')) problems.push('iptables has no nat table (modprobe iptable_nat, or nf_tables for iptables-nft)');

  const [addrJson, routeJson] = splitJsonValues(sections.get('ip') ?? '');
  const links = parseLinks(addrJson);
  const routes = parseRoutes(routeJson);
  const manifest = sections.get('lab')?.trim();
  let labThere: string | null = null;
  let ownerThere: string | null = null;
  if (manifest) {
    try {
      const m = JSON.parse(manifest) as { lab?: string; owner?: string };
      labThere = m.lab ?? null;
      ownerThere = m.owner ?? null;
    } catch {
      labThere = '(unreadable state)';
    }
  }
  if (labThere && labThere !== lab) problems.push(`it already holds lab ${labThere} (one lab per machine): remove it first with podnet down ${labThere}`);
  // The same name, built by someone else: their lab, not the remains of an earlier run of ours.
  if (labThere === lab && who && ownerThere && ownerThere !== who.me && !who.force) {
    problems.push(`it holds lab ${lab} of ${ownerThere}, not yours: pick another lab name, or replace theirs with podnet up --force`);
  }

  let underlay = findUnderlay(links, routes, t.iface, serverAddress);
  // What the machine says goes into the plan's commands: only plain interface names and IPv4 addresses.
  if (typeof underlay !== 'string' && (!IFACE.test(underlay.dev) || !isIpv4(underlay.ip))) underlay = `its interface "${underlay.dev}" (${underlay.ip}) cannot be used as the underlay: set hosts[].ssh.iface`;
  if (typeof underlay === 'string') problems.push(underlay);

  if (labThere !== lab) {
    // A stale state of this same lab is removed before building; anything else that exists is the machine's own.
    for (const l of needs.links) if (links.some((x) => x.name === l)) problems.push(`it already has an interface ${l}`);
    if (needs.vxlan) {
      const clash = links.find((x) => x.vxlan && x.vxlan.id === needs.vxlan!.vni && (x.vxlan.port ?? 8472) === needs.vxlan!.port);
      if (clash) problems.push(`it already has a VXLAN device with VNI ${needs.vxlan.vni} on UDP port ${needs.vxlan.port} (${clash.name}, perhaps the machine's own flannel): set another in the lab file, network.vxlan: { vni: …, port: … }`);
    }
  }
  for (const p of publishClashes(sections.get('listen') ?? '', t, needs)) problems.push(p);
  const ownLinks = new Set(needs.links);
  for (const r of labThere === lab ? [] : routes) {
    if (r.dst === 'default' || (r.dev && ownLinks.has(r.dev))) continue;
    const dst = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    const hit = needs.subnets.find((s) => safeOverlaps(s, dst));
    if (hit) problems.push(`its route ${r.dst}${r.dev ? ` dev ${r.dev}` : ''} overlaps the lab's ${hit}: pick another network.cidr in the lab file`);
  }
  return { problems, underlay: typeof underlay === 'string' ? null : underlay, labThere, ownerThere };
}

/** `ss -Hlntup` lines: the protocol, the port and the program of every listening socket. */
export function parseListening(text: string): { protocol: string; port: number; program: string | null }[] {
  const out: { protocol: string; port: number; program: string | null }[] = [];
  for (const line of text.split('\n')) {
    const [netid, , , , local, , ...rest] = line.trim().split(/\s+/);
    const port = Number(local?.slice(local.lastIndexOf(':') + 1));
    if (!netid || !Number.isInteger(port) || port <= 0) continue;
    out.push({ protocol: netid, port, program: /users:\(\("([^"]+)"/.exec(rest.join(' '))?.[1] ?? null });
  }
  return out;
}

/**
 * A published port the machine already listens on. The lab's DNAT rule
 * would take every new connection to it from the program there — for the
 * SSH port, every new login, Podnet's own `down` included.
 */
function publishClashes(listenSection: string, t: SshTarget, needs: CheckNeeds): string[] {
  const listening = parseListening(listenSection);
  const problems: string[] = [];
  for (const p of (needs.published ?? []).filter((x) => x.host === t.host)) {
    const hit = listening.find((l) => l.protocol === p.protocol && l.port === p.port);
    const sshPort = p.protocol === 'tcp' && p.port === t.port;
    if (!hit && !sshPort) continue;
    const who = sshPort ? `${hit?.program ?? 'sshd'}, the SSH server Podnet logs in through` : hit?.program;
    problems.push(
      `it already listens on ${p.protocol} port ${p.port}${who ? ` (${who})` : ''}: publishing it would send every new connection to that port${sshPort ? ' — SSH logins too, `podnet down` included —' : ''} to pod ${p.to}; publish another port`,
    );
  }
  return problems;
}

function safeOverlaps(a: string, b: string): boolean {
  try {
    return overlaps(a, b);
  } catch {
    return false;
  }
}

function findUnderlay(links: Iface[], routes: Route[], iface: string | null, serverAddress: string | null): { ip: string; dev: string } | string {
  const v4 = (l: Iface | undefined) => l?.addresses.find((a) => a.family === 'inet')?.address ?? null;
  if (iface) {
    const l = links.find((x) => x.name === iface);
    if (!l) return `it has no interface ${iface} (hosts[].ssh.iface); it has ${links.filter((x) => x.kind !== 'loopback').map((x) => x.name).join(', ') || 'none'}`;
    const ip = v4(l);
    return ip ? { ip, dev: iface } : `its interface ${iface} has no IPv4 address`;
  }
  const viaDefault = routes.find((r) => r.dst === 'default' && r.dev)?.dev;
  const byDefault = viaDefault ? links.find((x) => x.name === viaDefault) : undefined;
  if (byDefault && v4(byDefault)) return { ip: v4(byDefault)!, dev: byDefault.name };
  const bySsh = serverAddress ? links.find((x) => x.addresses.some((a) => a.address === serverAddress)) : undefined;
  if (bySsh) return { ip: serverAddress!, dev: bySsh.name };
  return 'cannot tell which interface carries the lab (no default route, and the SSH address is not on an interface): set hosts[].ssh.iface';
}
