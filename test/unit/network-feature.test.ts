// Network features as plan modules: which built-in features make each lab,
// and how a new one (kube-proxy, in the shape the Services work will wire)
// joins the plan without an edit to any other module.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SSH_PLAN_CONTEXT } from '../../src/engine/drivers/ssh/ssh-plan-context';
import type { ResolvedCluster } from '../../src/engine/kube/service-types';
import { kubeProxyIptables } from '../../src/engine/plan/kube-proxy-iptables';
import { kubeProxyNftables } from '../../src/engine/plan/kube-proxy-nftables';
import type { NetworkFeature } from '../../src/engine/plan/network-feature';
import { NETWORK_FEATURES } from '../../src/engine/plan/network-features';
import { DOCKER_PLAN_CONTEXT, type PlanContext } from '../../src/engine/plan/plan-context';
import { composeLab, planLab } from '../../src/engine/plan/plan-lab';
import { renderHostScript } from '../../src/engine/plan/render-script';
import { iptablesRestoreFileSteps, nftFileSteps } from '../../src/engine/plan/rule-file-steps';
import type { LabPlan } from '../../src/engine/plan/step';
import { readinessProblems } from '../../src/engine/ready-check';
import { allocatedLab } from '../helpers/allocated-lab';
import type { HostState } from '../../src/shared/snapshot';
import { exampleCluster } from '../helpers/kube-cluster';

const LABS = new URL('../../resources/labs/', import.meta.url);
const builtin = (file: string) => allocatedLab(readFileSync(new URL(file, LABS), 'utf8'), file);

// The example cluster's nodes (node1…node3) as the lab's hosts.
const NODES_LAB = `name: svc
hosts:
  - { name: node1, pods: [a] }
  - { name: node2, pods: [b] }
  - { name: node3, pods: [c] }
network: { mode: pod-cidr, cidr: 10.244.0.0/16, backend: vxlan }
`;

/** kube-proxy in iptables mode as a feature: one rules file and one iptables-restore per node. */
const kubeProxyIptablesFeature = (cluster: ResolvedCluster): NetworkFeature => ({
  name: 'kube-proxy',
  applies: () => true,
  hostSteps: ({ host, ctx, names }) => ({ publishing: iptablesRestoreFileSteps(`${ctx.stateDir}/kube-proxy/iptables.rules`, kubeProxyIptables(cluster, host.name, { names }).restore) }),
  expected: ({ names }) => [{ kind: 'chain', table: 'nat', chain: names.chain('KUBE-SERVICES') }],
});

/** The same in nftables mode: the node's `ip kube-proxy` table in one `nft -f`. */
const kubeProxyNftablesFeature = (cluster: ResolvedCluster): NetworkFeature => ({
  name: 'kube-proxy',
  applies: () => true,
  hostSteps: ({ host, ctx }) => ({ publishing: nftFileSteps(`${ctx.stateDir}/kube-proxy/kube-proxy.nft`, kubeProxyNftables(cluster, host.name).script) }),
  expected: () => [],
});

const phaseOf = (plan: LabPlan, host: number, phase: string) => plan.hosts[host]!.phases.find((p) => p.phase === phase)!.steps;

describe('network features', () => {
  it.each([
    ['docker0.yaml', ['host', 'docker0']],
    ['port-publish.yaml', ['host', 'docker0', 'publish', 'responders']],
    ['pod-cidr.yaml', ['host', 'cni-bridge', 'flannel']],
    ['flannel-host-gw.yaml', ['host', 'cni-bridge', 'flannel', 'flannel-host-gw', 'masquerade', 'responders']],
    ['flannel-vxlan.yaml', ['host', 'cni-bridge', 'flannel', 'flannel-vxlan', 'masquerade', 'responders']],
    ['masquerade.yaml', ['host', 'internet', 'cni-bridge', 'flannel', 'flannel-vxlan', 'masquerade']],
  ])('%s is made of %j', (file, names) => {
    expect(NETWORK_FEATURES.filter((f) => f.applies(builtin(file).spec)).map((f) => f.name)).toEqual(names);
  });

  it('a feature that does not apply adds nothing; the built-in features alone make planLab\'s plan', () => {
    const { spec, allocation } = builtin('masquerade.yaml');
    const never: NetworkFeature = { name: 'never', applies: () => false, hostSteps: () => ({ hosts: [{ kind: 'sysctl', key: 'x', value: '1' }] }), expected: () => [{ kind: 'route', dst: 'default', what: 'x' }] };
    const input = { spec, allocation, ctx: DOCKER_PLAN_CONTEXT };
    expect(composeLab(input, [...NETWORK_FEATURES, never])).toEqual(planLab(spec, allocation, DOCKER_PLAN_CONTEXT));
  });

  describe('kube-proxy as a new module (the Services work wires it; nothing else changes)', () => {
    const cluster = exampleCluster();
    const plan = (ctx: PlanContext, feature: NetworkFeature) => {
      const parsed = builtinNodes(ctx);
      return { base: planLab(parsed.spec, parsed.allocation, ctx), withIt: composeLab({ spec: parsed.spec, allocation: parsed.allocation, ctx }, [...NETWORK_FEATURES, feature]) };
    };
    const builtinNodes = (ctx: PlanContext) => {
      return allocatedLab(NODES_LAB, 'svc.yaml', { ctx });
    };

    it('iptables mode: its rules file and one iptables-restore at the end of the publishing phase, on every node', () => {
      const { base, withIt } = plan(DOCKER_PLAN_CONTEXT, kubeProxyIptablesFeature(cluster));
      withIt.hosts.forEach((h, i) => {
        const rules = kubeProxyIptables(cluster, h.host).restore;
        expect(phaseOf(withIt, i, 'publishing')).toEqual([...phaseOf(base, i, 'publishing'), ...iptablesRestoreFileSteps(`/etc/podnet/kube-proxy/iptables.rules`, rules)]);
        for (const phase of ['hosts', 'pods', 'overlay', 'ready']) expect(phaseOf(withIt, i, phase)).toEqual(phaseOf(base, i, phase));
        expect(h.expected).toEqual([...base.hosts[i]!.expected, { kind: 'chain', table: 'nat', chain: 'KUBE-SERVICES' }]);
      });
      const script = renderHostScript(withIt.hosts[0]!);
      expect(script.indexOf("iptables-restore -w 5 --noflush /etc/podnet/kube-proxy/iptables.rules\n")).toBeGreaterThan(script.indexOf('podnet_phase publishing\n'));
      expect(script.indexOf('podnet_phase ready\n')).toBeGreaterThan(script.indexOf('iptables-restore -w 5 --noflush /etc/podnet/kube-proxy/iptables.rules'));
    });

    it('its expected state joins the readiness check: a node without KUBE-SERVICES is not ready', () => {
      const { withIt } = plan(DOCKER_PLAN_CONTEXT, kubeProxyIptablesFeature(cluster));
      const node1 = withIt.hosts[0]!;
      const problems = (nat: string[]) => readinessProblems({ lab: withIt.lab, hosts: [{ ...node1, expected: node1.expected.filter((e) => e.kind === 'chain') }] }, new Map([['node1', { iptables: { nat, filter: [':FLANNEL-FWD -'] } } as HostState]]));
      expect(problems([':FLANNEL-POSTRTG -'])).toEqual(['node1: no nat chain KUBE-SERVICES']);
      expect(problems([':FLANNEL-POSTRTG -', ':KUBE-SERVICES -'])).toEqual([]);
    });

    it('nftables mode: one `nft -f` of its table', () => {
      const { withIt } = plan(DOCKER_PLAN_CONTEXT, kubeProxyNftablesFeature(cluster));
      expect(phaseOf(withIt, 1, 'publishing')).toEqual(nftFileSteps('/etc/podnet/kube-proxy/kube-proxy.nft', kubeProxyNftables(cluster, 'node2').script));
      expect(renderHostScript(withIt.hosts[1]!)).toContain('nft -f /etc/podnet/kube-proxy/kube-proxy.nft\n');
    });

    it('on a shared machine it gets the lab\'s names and state folder from the same input as the built-in features', () => {
      const { withIt } = plan(SSH_PLAN_CONTEXT, kubeProxyIptablesFeature(cluster));
      const [file] = phaseOf(withIt, 0, 'publishing');
      expect(file).toMatchObject({ kind: 'file', path: '/run/podnet/lab/kube-proxy/iptables.rules' });
      expect(file!.kind === 'file' && file!.content).toContain(':PN-KUBE-SERVICES - [0:0]');
      expect(withIt.hosts[0]!.expected).toContainEqual({ kind: 'chain', table: 'nat', chain: 'PN-KUBE-SERVICES' });
    });
  });
});
