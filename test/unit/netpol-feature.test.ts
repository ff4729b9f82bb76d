// The network-policy plan feature on the NetworkPolicy lab (test/fixtures/netpol-lab.yaml):
// kube-router's rules last in each host's plan and only with a policy, the
// expected isolation in the readiness check, the observation of kube-router's
// rules and ipsets in the host's one script, and inspect's summary.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatNetpol } from '../../src/cli/format-netpol';
import { labNetpolCluster } from '../../src/engine/kube/lab-netpol';
import { IPSET_SECTION, observedNetpol } from '../../src/engine/observe/observe-netpol';
import { observeScript } from '../../src/engine/observe/observe-script';
import { parseIptablesSave } from '../../src/engine/observe/parse-iptables-save';
import { parseNetpol } from '../../src/engine/observe/parse-netpol';
import { syncVersionFor } from '../../src/engine/plan/kube-router-names';
import { ipsetRestore, iptablesRestoreInstall, renderKubeRouterNode } from '../../src/engine/plan/kube-router-netpol';
import { NETWORK_FEATURES } from '../../src/engine/plan/network-features';
import { DOCKER_PLAN_CONTEXT } from '../../src/engine/plan/plan-context';
import { planLab } from '../../src/engine/plan/plan-lab';
import type { Expectation } from '../../src/engine/plan/expected-state';
import { withNetpolStop } from '../../src/engine/path/netpol-stop';
import { readinessProblems } from '../../src/engine/ready-check';
import type { PathStop } from '../../src/shared/path';
import { allocatedLab } from '../helpers/allocated-lab';
import type { HostState } from '../../src/shared/snapshot';

const TEXT = readFileSync(new URL('../fixtures/netpol-lab.yaml', import.meta.url), 'utf8');
const parsed = allocatedLab(TEXT, 'netpol-lab.yaml');
const plan = planLab(parsed.spec, parsed.allocation, DOCKER_PLAN_CONTEXT);
const cluster = labNetpolCluster(parsed.spec, parsed.allocation)!;
const rulesOf = (node: string) => renderKubeRouterNode(cluster, node, { syncVersion: syncVersionFor('netpol-lab'), serviceClusterIpRange: '10.96.0.0/12' });

/** What the host's iptables-save and `ipset save` would show once the rules are loaded (the restore inputs, read back). */
function loadedState(node: string): { filter: string[]; ipsetSave: string } {
  const r = rulesOf(node);
  const restore = iptablesRestoreInstall(r).split('\n');
  // the restore input's `-I <chain> 1 …` jumps are `-A <chain> …` in a save; comments are quoted alike
  const jumps = restore.filter((l) => l.startsWith('-I ')).map((l) => l.replace(/^-I (\S+) 1 /, '-A $1 '));
  const filter = [...r.chains.map((c) => `:${c} - [0:0]`), ...jumps, ...restore.filter((l) => l.startsWith('-A '))];
  const ipsetSave = r.ipsets.map((s) => [`create ${s.name} ${s.type} family inet hashsize 1024 maxelem 65536 timeout 0`, ...s.entries.map((e) => `add ${s.name} ${e.replace(' timeout 0', '')}`)].join('\n')).join('\n');
  return { filter, ipsetSave };
}

describe('the network-policy feature', () => {
  it('applies only to a lab with a policy, after every other feature', () => {
    expect(NETWORK_FEATURES.filter((f) => f.applies(parsed.spec)).map((f) => f.name).slice(-2)).toEqual(['responders', 'network-policy']);
    const none = allocatedLab(TEXT.replace(/^networkPolicies:[\s\S]*$/m, ''), 'lab.yaml');
    expect(NETWORK_FEATURES.filter((f) => f.applies(none.spec)).map((f) => f.name)).not.toContain('network-policy');
    expect(JSON.stringify(planLab(none.spec, none.allocation, DOCKER_PLAN_CONTEXT))).not.toMatch(/kube-router|KUBE-ROUTER/);
  });

  it('one ipset restore and one iptables-restore per host, last in the plan (before the ready marker)', () => {
    for (const host of ['node1', 'node2']) {
      const steps = plan.hosts.find((h) => h.host === host)!.phases.flatMap((p) => p.steps);
      const cmds = steps.filter((s) => s.kind === 'cmd').map((s) => (s.kind === 'cmd' ? s.argv.join(' ') : ''));
      expect(steps.at(-1)).toMatchObject({ kind: 'file', path: '/etc/podnet/ready' });
      expect(cmds.slice(-2)).toEqual(['ipset restore -exist -file /etc/podnet/kube-router/ipset.restore', 'iptables-restore -w 5 --noflush /etc/podnet/kube-router/filter.rules']);
      const rules = steps.find((s) => s.kind === 'file' && s.path === '/etc/podnet/kube-router/filter.rules');
      expect(rules).toMatchObject({ content: iptablesRestoreInstall(rulesOf(host)) });
      expect(steps.find((s) => s.kind === 'file' && s.path === '/etc/podnet/kube-router/ipset.restore')).toMatchObject({ content: ipsetRestore(rulesOf(host).ipsets) });
    }
    // the internet node has no pods and no kube-router
    expect(JSON.stringify(plan.hosts.find((h) => h.host === 'internet'))).not.toContain('kube-router');
  });

  it('chain names are stable per lab: the same lab file gives the same names, another lab name others', () => {
    const same = allocatedLab(TEXT, 'x.yaml');
    const again = planLab(same.spec, same.allocation, DOCKER_PLAN_CONTEXT);
    expect(JSON.stringify(again)).toBe(JSON.stringify(plan));
    const renamed = allocatedLab(TEXT.replace('name: netpol-lab', 'name: netpol-other'), 'x.yaml');
    const chains = (p: ReturnType<typeof planLab>) => JSON.stringify(p).match(/KUBE-POD-FW-[A-Z0-9]{16}/g)!.sort();
    expect(chains(planLab(renamed.spec, renamed.allocation, DOCKER_PLAN_CONTEXT))).not.toEqual(chains(plan));
  });

  it('expects each local pod isolated as its policies say', () => {
    const node1 = plan.hosts.find((h) => h.host === 'node1')!.expected.find((e) => e.kind === 'netpol');
    expect(node1).toMatchObject({ kind: 'netpol', policies: 4 });
    const pods = (node1 as Extract<Expectation, { kind: 'netpol' }>).pods;
    expect(pods.filter((p) => p.ingress || p.egress).map((p) => `${p.pod} ${p.ingress ? 'in' : ''}${p.egress ? 'out' : ''}`)).toEqual(['default/web-1 in', 'default/locked out', 'default/fenced out']);
  });

  it("readiness: met by the rules read back; a pod's REJECT deleted, or the jumps gone, is named", () => {
    const node1 = plan.hosts.find((h) => h.host === 'node1')!;
    const only = { lab: plan.lab, hosts: [{ ...node1, expected: node1.expected.filter((e) => e.kind === 'netpol') }] };
    const { filter, ipsetSave } = loadedState('node1');
    const state = (lines: string[]) => new Map([['node1', { netpol: parseNetpol(lines, ipsetSave) } as HostState]]);
    expect(readinessProblems(only, state(filter))).toEqual([]);
    const withoutReject = filter.filter((l) => !l.includes('"default/web-1 reject"'));
    expect(readinessProblems(only, state(withoutReject))).toEqual(['node1: pod default/web-1 is isolated for nothing, its policies say ingress']);
    expect(readinessProblems(only, state(filter.filter((l) => !l.startsWith('-A FORWARD'))))).toEqual(["node1: kube-router's jumps (KUBE-ROUTER-INPUT/FORWARD/OUTPUT) are not in place"]);
    expect(readinessProblems(only, new Map([['node1', { netpol: null } as HostState]]))).toHaveLength(1);
  });

  it("the observation reads `ipset save` in the same script, only where kube-router's chain is", () => {
    const script = observeScript({ underlayDev: 'eth0', netnsPrefix: '' });
    expect(script).toContain('ipt=$(iptables-save 2>/dev/null) || true');
    expect(script).toContain(`case "$ipt" in *':KUBE-ROUTER-FORWARD '*)`);
    const { filter, ipsetSave } = loadedState('node2');
    expect(observedNetpol(new Map(), filter)).toBeNull();
    const observed = observedNetpol(new Map([[IPSET_SECTION, ipsetSave]]), parseIptablesSave(['*filter', ...filter, 'COMMIT'].join('\n')).filter)!;
    expect(observed.enforced).toBe(true);
    expect(observed.pods.filter((p) => p.isolatedIngress || p.isolatedEgress).map((p) => p.name)).toEqual(['web-2', 'dns-only']);
  });

  it("inspect prints the host's isolated pods and what each policy allows", () => {
    const { filter, ipsetSave } = loadedState('node1');
    const text = formatNetpol(parseNetpol(filter, ipsetSave), '  ').join('\n');
    expect(text).toMatch(/^ {2}network policies \(kube-router\):$/m);
    expect(text).toMatch(/^ {4}default\/web-1 +10\.244\.1\.2 +isolated for ingress +KUBE-POD-FW-/m);
    expect(text).toMatch(/^ {6}← default\/web-from-client +KUBE-NWPLCY-/m);
    expect(text).toMatch(/^ {4}default\/locked +10\.244\.1\.5 +isolated for egress/m);
    expect(text).toContain('egress to 203.0.113.0/24 except 203.0.113.128/25 every port');
    expect(text).toMatch(/ingress from pods 10\.244\.1\.3, 10\.244\.2\.3, 10\.244\.2\.5 tcp\/8080/);
    expect(text).not.toContain('other-1');
  });

  it("a path stopped by a pod firewall chain's REJECT names the isolating policy; any other stop is left as it is", () => {
    const { filter, ipsetSave } = loadedState('node2');
    const snapshot = { name: 'netpol-lab', revision: 1, takenAt: '', internet: null, hosts: [{ name: 'node2', netpol: parseNetpol(filter, ipsetSave) } as HostState] };
    const chain = filter.find((l) => l.includes('"default/web-2 reject"'))!.split(' ')[1]!;
    const stop: PathStop = { node: 'node2', leg: 'request', kind: 'rule', text: `node2: rejected by filter ${chain} rule 6: …`, rule: { table: 'filter', chain, kind: 'rule', rule: null, syntax: 'iptables', position: 6, verdict: 'reject' } };
    const flow = { protocol: 'tcp', src: '10.244.1.4', dst: '10.244.2.2', port: 8080 };
    expect(withNetpolStop(stop, snapshot, flow)).toEqual({
      ...stop,
      text: `${stop.text} — NetworkPolicy default/web-from-client isolates default/web-2 for ingress and no rule of it allows tcp 10.244.1.4 → 10.244.2.2:8080`,
      netpol: { pod: 'default/web-2', direction: 'ingress', policies: ['default/web-from-client'] },
    });
    // through a Service: the flow was sent to the ClusterIP and DNATed to web-2 before its chain rejected it
    expect(withNetpolStop(stop, snapshot, { ...flow, dst: '10.96.0.20', port: 80 })!.text).toMatch(/NetworkPolicy default\/web-from-client isolates default\/web-2 for ingress and no rule of it allows tcp 10\.244\.1\.4 → 10\.244\.2\.2$/);
    const forward = { ...stop, rule: { ...stop.rule!, chain: 'FORWARD' } };
    expect(withNetpolStop(forward, snapshot, flow)).toBe(forward);
    expect(withNetpolStop(null, snapshot, flow)).toBeNull();
  });
});
