// The readiness check: the state read back from each host against what its
// plan's features expect. Observed states are written by hand from the lab's
// allocation (as `ip -j`, `bridge -j fdb` and iptables-save would report them).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostAllocation } from '../../src/engine/ipam/allocation';
import { DOCKER_PLAN_CONTEXT, type PlanContext } from '../../src/engine/plan/plan-context';
import { planLab } from '../../src/engine/plan/plan-lab';
import { SSH_PLAN_CONTEXT } from '../../src/engine/drivers/ssh/ssh-plan-context';
import { readinessProblems } from '../../src/engine/ready-check';
import { allocatedLab } from '../helpers/allocated-lab';
import type { HostState, Iface } from '../../src/shared/snapshot';

const lab = (file: string, ctx?: PlanContext) => allocatedLab(readFileSync(new URL(`../../resources/labs/${file}`, import.meta.url), 'utf8'), file, ctx ? { ctx } : {});

function iface(index: number, name: string, kind: string, address: string | null, prefixLen = 0, extra: Partial<Iface> = {}): Iface {
  const addresses = address ? [{ family: 'inet' as const, address, prefixLen }] : [];
  return { index, name, kind, mac: null, mtu: 1500, state: 'UP', up: true, addresses, master: null, peerIndex: null, peerNetnsId: null, vxlan: null, stats: null, ...extra };
}

/** A flannel VXLAN host as it reads once its plan ran: eth0, cni0, flannel.1, its pods, a neighbour, fdb entry and route per peer, flannel's chains. */
function vxlanHost(self: HostAllocation, peers: HostAllocation[], masq: boolean): HostState {
  const others = peers.filter((p) => p.name !== self.name);
  return {
    name: self.name,
    role: 'host',
    reachable: true,
    error: null,
    interfaces: [
      iface(2, 'eth0', 'veth', self.underlayIp, 24),
      iface(3, 'cni0', 'bridge', self.bridge.ip, self.bridge.prefixLen),
      iface(4, 'flannel.1', 'vxlan', self.lease!.split('/')[0]!, 32, { mtu: 1450, mac: self.vtepMac, vxlan: { id: 1, port: 8472, local: self.underlayIp, dev: 'eth0', learning: false } }),
    ],
    routes: others.map((p) => ({ dst: p.lease!, gateway: p.lease!.split('/')[0]!, dev: 'flannel.1', protocol: 'boot', scope: 'global', prefsrc: null, flags: ['onlink'] })),
    neighbours: [],
    fdb: others.map((p) => ({ mac: p.vtepMac!, dev: 'flannel.1', dst: p.underlayIp, master: null, flags: ['self'], state: 'permanent' })),
    iptables: { nat: masq ? [':POSTROUTING ACCEPT', ':FLANNEL-POSTRTG -'] : [], filter: [':FORWARD ACCEPT', ':FLANNEL-FWD -'] },
    underlayIp: self.underlayIp,
    pods: self.pods.map((p) => ({ name: p.name, ip: p.ip, interfaces: [iface(2, 'eth0', 'veth', p.ip, p.prefixLen)], routes: [], neighbours: [] })),
  };
}

describe('readiness check', () => {
  const { spec, allocation } = lab('flannel-vxlan.yaml');
  const plan = planLab(spec, allocation, DOCKER_PLAN_CONTEXT);
  const [h1, h2] = allocation.hosts as [HostAllocation, HostAllocation];
  const observed = () => new Map(allocation.hosts.map((h) => [h.name, vxlanHost(h, allocation.hosts, spec.network.masquerade)]));

  it('a host that holds everything its features expect is ready', () => {
    expect(readinessProblems(plan, observed())).toEqual([]);
  });

  it('names each missing piece, host by host, in the order of the features', () => {
    const state = observed();
    const host1 = state.get('host1')!;
    host1.interfaces = host1.interfaces.filter((i) => i.name !== 'cni0');
    host1.fdb = [];
    host1.iptables.filter = [];
    state.get('host2')!.pods[0]!.ip = null;
    state.get('host2')!.routes = [];
    expect(readinessProblems(plan, state)).toEqual([
      `host1: cni0 does not have ${h1.bridge.ip}/24`,
      'host1: no fdb entry for host2',
      'host1: no filter chain FLANNEL-FWD',
      `host2/${h2.pods[0]!.name}: eth0 has no address, expected ${h2.pods[0]!.ip}`,
      `host2: no route to host1's lease ${h1.lease}`,
    ]);
  });

  it('a vxlan device with another VNI or MTU is wrong; a host not read back is said so', () => {
    const state = observed();
    state.get('host1')!.interfaces.find((i) => i.name === 'flannel.1')!.mtu = 1500;
    state.delete('host2');
    expect(readinessProblems(plan, state)).toEqual(['host1: flannel.1 is missing or wrong', 'host2: no state was read back']);
  });

  it('`only` checks the hosts a repair set up again', () => {
    const state = observed();
    state.get('host2')!.fdb = [];
    expect(readinessProblems(plan, state, new Set(['host1']))).toEqual([]);
    expect(readinessProblems(plan, state, new Set(['host2']))).toEqual(['host2: no fdb entry for host1']);
  });

  it('masquerade: FLANNEL-POSTRTG, every host\'s default route to the internet node, and its addresses there', () => {
    const m = lab('masquerade.yaml');
    const mplan = planLab(m.spec, m.allocation, DOCKER_PLAN_CONTEXT);
    const inet = m.allocation.internet!;
    const state = new Map(m.allocation.hosts.map((h) => [h.name, vxlanHost(h, m.allocation.hosts, true)]));
    for (const h of state.values()) h.routes.push({ dst: 'default', gateway: inet.underlayIp, dev: 'eth0', protocol: null, scope: null, prefsrc: null, flags: [] });
    const internet = { ...vxlanHost(m.allocation.hosts[0]!, [], false), name: 'internet', role: 'internet' as const, pods: [] };
    internet.interfaces = [iface(1, 'lo', 'loopback', inet.address, 32), iface(2, 'eth0', 'veth', inet.underlayIp, 24)];
    state.set('internet', internet);
    expect(readinessProblems(mplan, state)).toEqual([]);

    state.get('host1')!.iptables.nat = [];
    state.get('host2')!.routes = state.get('host2')!.routes.filter((r) => r.dst !== 'default');
    internet.interfaces = internet.interfaces.filter((i) => i.name !== 'lo');
    expect(readinessProblems(mplan, state)).toEqual([
      'host1: no nat chain FLANNEL-POSTRTG',
      `host2: no route to the internet node (default via ${inet.underlayIp})`,
      `internet: lo does not have ${inet.address}/32`,
    ]);
  });

  it('on a shared machine the expected names are the lab\'s prefixed ones', () => {
    const { spec: s, allocation: a } = lab('masquerade.yaml', SSH_PLAN_CONTEXT);
    const host1 = planLab(s, a, SSH_PLAN_CONTEXT).hosts[0]!;
    expect(host1.expected).toEqual(
      expect.arrayContaining([
        { kind: 'address', dev: 'pn-cni0', address: a.hosts[0]!.bridge.ip, prefixLen: 24 },
        { kind: 'vxlan-device', dev: 'pn-flannel.1', vni: 1, mtu: 1450 },
        { kind: 'chain', table: 'filter', chain: 'PN-FLANNEL-FWD' },
        { kind: 'chain', table: 'nat', chain: 'PN-FLANNEL-POSTRTG' },
      ]),
    );
    // A real machine's own underlay address is not the lab's to check.
    expect(host1.expected.some((e) => e.kind === 'address' && e.dev === a.hosts[0]!.underlayDev)).toBe(false);
  });
});
