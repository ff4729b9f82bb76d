import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCKER_PLAN_CONTEXT } from '../../src/engine/plan/plan-context';
import { planLab } from '../../src/engine/plan/plan-lab';
import { describeHostPlan } from '../../src/engine/plan/render-script';
import type { HostPlan } from '../../src/engine/plan/step';
import { parseLab } from '../../src/engine/spec/parse-lab';

const LABS = new URL('../../resources/labs/', import.meta.url);
const labs = readdirSync(LABS).filter((f) => f.endsWith('.yaml')).sort();

function planOf(file: string) {
  const parsed = parseLab(readFileSync(new URL(file, LABS), 'utf8'), file);
  return { parsed, plan: planLab(parsed.spec, parsed.allocation, DOCKER_PLAN_CONTEXT) };
}

const argvs = (h: HostPlan) => h.phases.flatMap((p) => p.steps.flatMap((s) => (s.kind === 'cmd' ? [s.argv.join(' ')] : [])));

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

  it('flannel masquerade: the FLANNEL-POSTRTG and FLANNEL-FWD rules of docs/networking.md §5.6', () => {
    const cmds = argvs(planOf('flannel-vxlan.yaml').plan.hosts[0]!);
    const m = '-m comment --comment flanneld masq';
    expect(cmds).toEqual(
      expect.arrayContaining([
        `iptables -t nat -A POSTROUTING ${m} -j FLANNEL-POSTRTG`,
        `iptables -t nat -A FLANNEL-POSTRTG -s 10.2.1.0/24 -d 10.2.0.0/16 ${m} -j RETURN`,
        `iptables -t nat -A FLANNEL-POSTRTG -s 10.2.0.0/16 -d 10.2.1.0/24 ${m} -j RETURN`,
        `iptables -t nat -A FLANNEL-POSTRTG ! -s 10.2.0.0/16 -d 10.2.1.0/24 ${m} -j RETURN`,
        `iptables -t nat -A FLANNEL-POSTRTG -s 10.2.0.0/16 ! -d 224.0.0.0/4 ${m} -j MASQUERADE --random-fully`,
        `iptables -t nat -A FLANNEL-POSTRTG ! -s 10.2.0.0/16 -d 10.2.0.0/16 ${m} -j MASQUERADE --random-fully`,
        'iptables -t filter -A FORWARD -j FLANNEL-FWD',
        'iptables -t filter -A FLANNEL-FWD -s 10.2.0.0/16 -j ACCEPT',
        'iptables -t filter -A FLANNEL-FWD -d 10.2.0.0/16 -j ACCEPT',
      ]),
    );
  });

  it('port-publish: Docker\'s DOCKER chain, DNAT, hairpin MASQUERADE and filter ACCEPT, as docs/networking.md §3.1', () => {
    const cmds = argvs(planOf('port-publish.yaml').plan.hosts[1]!);
    expect(cmds).toEqual(
      expect.arrayContaining([
        'iptables -t nat -N DOCKER',
        'iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
        'iptables -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
        'iptables -t nat -A DOCKER -i docker0 -j RETURN',
        'iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
        'iptables -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
        'iptables -t nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE',
        'iptables -t filter -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
        'iptables -t filter -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        'iptables -t filter -A FORWARD -o docker0 -j DOCKER',
      ]),
    );
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
