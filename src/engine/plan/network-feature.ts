// A network feature of a lab — docker0, the CNI bridge, flannel's backends,
// masquerade, port publishing, the internet node… — as ONE plan module: the
// steps it adds on each host, in the phase where they belong, and the state
// they leave (what the readiness check and a later change of the lab compare).
// plan-lab.ts composes the features of network-features.ts in a fixed order;
// a new feature (kube-proxy, cluster DNS, NetworkPolicy) is a new module in
// that list, not an edit across the plan. docs/networking.md names each
// feature's module in its "At a glance" table.
//
// A feature that programs a rule set adds it as one file and one command per
// host (rule-file-steps.ts), e.g. kube-proxy's iptables mode:
//   hostSteps: ({ host, ctx, names }) => ({
//     publishing: iptablesRestoreFileSteps(`${ctx.stateDir}/kube-proxy.rules`, kubeProxyIptables(cluster, host.name, { names }).restore),
//   }),
//   expected: ({ names }) => [{ kind: 'chain', table: 'nat', chain: names.chain('KUBE-SERVICES') }],
// (test/unit/network-feature.test.ts composes it, and nftables mode's `nft -f`, with the built-in features).
import type { Allocation, HostAllocation } from '../ipam/allocation';
import type { LabSpec } from '../spec/lab-spec';
import type { Expectation } from './expected-state';
import type { HostNames, PlanContext } from './plan-context';
import type { HostPlan, PlanPhase, Step } from './step';

/** The whole lab, as every feature sees it. */
export interface LabInput {
  spec: LabSpec;
  allocation: Allocation;
  ctx: PlanContext;
}

/** One host of the lab. */
export interface HostInput extends LabInput {
  host: HostAllocation;
  /** Names of links and chains in the host's namespace (the real projects' names unless the machine is shared). */
  names: HostNames;
  /** The network namespace of one of the host's pods. */
  netnsOf(pod: string): string;
}

/** A feature's steps on one host, by phase; a phase it has nothing for is left out. */
export type PhaseSteps = Partial<Record<PlanPhase, readonly Step[]>>;

export interface NetworkFeature {
  /** As docs/networking.md names it: `docker0`, `cni-bridge`, `flannel-vxlan`, `kube-proxy`… */
  readonly name: string;
  /** Whether a lab has the feature at all (its lab file asks for it). */
  applies(spec: LabSpec): boolean;
  /** Its steps on one host (the host's own part of the lab: a feature may add nothing on some hosts). */
  hostSteps(input: HostInput): PhaseSteps;
  /** What the host holds once those steps ran. */
  expected(input: HostInput): Expectation[];
  /** Nodes of the lab that are the feature's own (the internet node), each with its whole plan. */
  nodes?(input: LabInput): HostPlan[];
}
