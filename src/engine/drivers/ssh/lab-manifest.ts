// What a host's plan creates on a real machine, read off the plan itself
// (pure): the namespaces, links, routes, iptables chains and rules, the
// policies and sysctls it changes. Written to the machine before anything
// is created, so `down` and `gc` remove exactly this — and nothing of the
// machine's own — even when a build stopped half way.
import type { HostPlan } from '../../plan/step';

export interface IptablesRule {
  table: string;
  /** The rule as appended: chain, then its match and target. */
  rule: string[];
}

export interface LabManifest {
  lab: string;
  /** `user@machine` whose lab it is: another user's is not torn down without --force. */
  owner?: string;
  /** The build that wrote it: a failed build removes its own state, not a later build's. */
  run?: string;
  host: string;
  stateDir: string;
  netns: string[];
  links: string[];
  /** Routes on interfaces the lab did not create (host-gw on the machine's own NIC). */
  routes: { dst: string; dev: string }[];
  /** Addresses added to interfaces the lab did not create. */
  addresses: { address: string; dev: string }[];
  /** Chains the lab created (flushed and deleted on removal). */
  chains: { table: string; chain: string }[];
  /** Rules appended to chains the machine owns (deleted one by one). */
  rules: IptablesRule[];
  /** Chain policies the lab sets (restored to what they were). */
  policies: { table: string; chain: string }[];
  /** Sysctls the lab sets (restored to what they were). */
  sysctls: string[];
  /** Files written outside stateDir. */
  files: string[];
}

function linkAdded(argv: readonly string[]): string | null {
  // ip link add [name] NAME …
  if (argv[0] !== 'ip' || argv[1] !== 'link' || argv[2] !== 'add') return null;
  return argv[3] === 'name' ? (argv[4] ?? null) : (argv[3] ?? null);
}

const after = (argv: readonly string[], word: string) => {
  const i = argv.indexOf(word);
  return i >= 0 ? (argv[i + 1] ?? null) : null;
};

export function labManifest(lab: string, plan: HostPlan, stateDir: string, build?: { owner: string; run: string }): LabManifest {
  const m: LabManifest = { lab, ...(build ? { owner: build.owner, run: build.run } : {}), host: plan.host, stateDir, netns: [], links: [], routes: [], addresses: [], chains: [], rules: [], policies: [], sysctls: [], files: [] };
  const steps = plan.phases.flatMap((p) => p.steps);
  for (const s of steps) {
    if (s.kind === 'cmd') {
      const a = s.argv;
      const link = linkAdded(a);
      if (link) m.links.push(link);
      else if (a[0] === 'ip' && a[1] === 'netns' && a[2] === 'add') m.netns.push(a[3]!);
    }
  }
  const ours = new Set(m.links);
  for (const s of steps) {
    if (s.kind === 'sysctl') {
      if (!m.sysctls.includes(s.key)) m.sysctls.push(s.key);
    } else if (s.kind === 'file' || s.kind === 'daemon') {
      const path = s.kind === 'file' ? s.path : s.log;
      if (!path.startsWith(`${stateDir}/`) && !m.files.includes(path)) m.files.push(path);
    } else if (s.kind === 'cmd') {
      const a = s.argv;
      if (a[0] === 'ip' && a[1] === 'route' && (a[2] === 'add' || a[2] === 'replace')) {
        const dev = after(a, 'dev');
        if (dev && !ours.has(dev)) m.routes.push({ dst: a[3]!, dev });
      } else if (a[0] === 'ip' && a[1] === 'addr' && a[2] === 'add') {
        const dev = after(a, 'dev');
        if (dev && !ours.has(dev)) m.addresses.push({ address: a[3]!, dev });
      } else if (a[0] === 'iptables') {
        const table = a[1] === '-t' ? a[2]! : 'filter';
        const [op, chain, ...rest] = a.slice(a[1] === '-t' ? 3 : 1);
        if (op === '-N') m.chains.push({ table, chain: chain! });
        else if (op === '-P') m.policies.push({ table, chain: chain! });
        else if ((op === '-A' || op === '-I') && !m.chains.some((c) => c.table === table && c.chain === chain)) m.rules.push({ table, rule: [chain!, ...rest] });
      }
    }
  }
  return m;
}
