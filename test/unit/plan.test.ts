import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCKER_PLAN_CONTEXT } from '../../src/engine/plan/plan-context';
import { planLab } from '../../src/engine/plan/plan-lab';
import { describeHostPlan } from '../../src/engine/plan/render-script';
import type { HostPlan } from '../../src/engine/plan/step';
import { allocatedLab } from '../helpers/allocated-lab';
import { fixtureRuleSet, plannedRuleSet } from '../helpers/iptables-save';

const LABS = new URL('../../resources/labs/', import.meta.url);
const labs = readdirSync(LABS).filter((f) => f.endsWith('.yaml')).sort();

function planOf(file: string, edit: (text: string) => string = (t) => t) {
  const parsed = allocatedLab(edit(readFileSync(new URL(file, LABS), 'utf8')), file);
  return { parsed, plan: planLab(parsed.spec, parsed.allocation, DOCKER_PLAN_CONTEXT) };
}

const cmdArgvs = (h: HostPlan) => h.phases.flatMap((p) => p.steps.flatMap((s) => (s.kind === 'cmd' ? [s.argv] : [])));
const argvs = (h: HostPlan) => cmdArgvs(h).map((a) => a.join(' '));

describe('plan', () => {
  it.each(labs)('%s: every host\'s commands match the snapshot', async (file) => {
    const { plan } = planOf(file);
    const text = plan.hosts.map((h) => describeHostPlan(h, h.host)).join('\n');
    await expect(text).toMatchFileSnapshot(`__snapshots__/plan-${file.replace('.yaml', '')}.txt`);
  });

  it('flannel-vxlan: flannel.1 and one neighbour, fdb entry and onlink route per peer, as docs/networking.md §5.4', () => {
    const { plan, parsed } = planOf('flannel-vxlan.yaml');
    const host2 = parsed.allocation.hosts[1]!;
    const cmds = argvs(plan.hosts[0]!);
    expect(cmds).toContain(`ip link add flannel.1 address ${parsed.allocation.hosts[0]!.vtepMac} mtu 1450 type vxlan id 1 local 198.18.0.11 dev eth0 dstport 8472 nolearning`);
    expect(cmds).toContain('ip addr add 10.2.1.0/32 dev flannel.1');
    const neigh = cmds.indexOf(`ip neigh replace 10.2.3.0 lladdr ${host2.vtepMac} dev flannel.1 nud permanent`);
    const fdb = cmds.indexOf(`bridge fdb replace ${host2.vtepMac} dev flannel.1 dst 198.18.0.12 self permanent`);
    const route = cmds.indexOf('ip route replace 10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink');
    expect(neigh).toBeGreaterThan(-1);
    expect(fdb).toBeGreaterThan(neigh);
    expect(route).toBeGreaterThan(fdb);
  });

  it('masquerade: host1 holds exactly current flannel\'s FLANNEL-POSTRTG and FLANNEL-FWD rules, in iptables-save order (docs/networking.md §5.6)', () => {
    expect(plannedRuleSet(cmdArgvs(planOf('masquerade.yaml').plan.hosts[0]!))).toEqual(fixtureRuleSet('flannel-masquerade-host1'));
  });

  it.each([27, 28, 29] as const)('port-publish with dockerRules: %i — host2 holds exactly that Docker version\'s layout', (version) => {
    const { plan } = planOf('port-publish.yaml', (text) => text.replace('mode: docker0', `mode: docker0\n  dockerRules: ${version}`));
    expect(plannedRuleSet(cmdArgvs(plan.hosts[1]!))).toEqual(fixtureRuleSet(`docker-${version}-port-publish-host2`));
  });

  it('port-publish without dockerRules reproduces the current Docker Engine (29)', () => {
    expect(plannedRuleSet(cmdArgvs(planOf('port-publish.yaml').plan.hosts[1]!))).toEqual(fixtureRuleSet('docker-29-port-publish-host2'));
  });

  it('docker0 on 28 and later: every container gets its raw PREROUTING DROP; on 27 none', () => {
    const rawOf = (text: string) => argvs(planOf('docker0.yaml', () => text).plan.hosts[0]!).filter((c) => c.startsWith('iptables -t raw'));
    const text = readFileSync(new URL('docker0.yaml', LABS), 'utf8');
    expect(rawOf(text)).toEqual(['iptables -t raw -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP', 'iptables -t raw -A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP']);
    expect(rawOf(text.replace('mode: docker0', 'mode: docker0\n  dockerRules: 27'))).toEqual([]);
  });

  it('host-gw: only a route via the peer\'s underlay address; no vxlan device', () => {
    const cmds = argvs(planOf('flannel-host-gw.yaml').plan.hosts[0]!);
    expect(cmds).toContain('ip route replace 10.2.3.0/24 via 198.18.0.12 dev eth0');
    expect(cmds.some((c) => c.includes('vxlan'))).toBe(false);
  });

  it('pod routes under flannel: default and the cluster network via the bridge', () => {
    const cmds = argvs(planOf('flannel-vxlan.yaml').plan.hosts[0]!);
    expect(cmds).toEqual(expect.arrayContaining(['ip -n a route add default via 10.2.1.1 dev eth0', 'ip -n a route add 10.2.0.0/16 via 10.2.1.1 dev eth0']));
  });

  it('the internet node holds 203.0.113.10 and no route back to any pod subnet', () => {
    const { plan } = planOf('masquerade.yaml');
    const inet = plan.hosts.find((h) => h.role === 'internet')!;
    const cmds = argvs(inet);
    expect(cmds).toContain('ip addr add 203.0.113.10/32 dev lo');
    expect(cmds.some((c) => c.startsWith('ip route'))).toBe(false);
    expect(argvs(plan.hosts[0]!)).toContain('ip route replace default via 198.18.0.254 dev eth0');
  });
});
