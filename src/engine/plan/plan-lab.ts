// LabSpec + Allocation → per-host ordered steps. Pure: `podnet up --dry-run`
// prints exactly this, and the unit tests snapshot it for every built-in lab.
// The plan is the composition of the lab's network features
// (network-features.ts): each host's phases collect the features' steps in
// their fixed order, and its expected state is theirs together.
import type { Allocation, HostAllocation } from '../ipam/allocation';
import type { LabSpec } from '../spec/lab-spec';
import { readyMarker } from './internet-node';
import type { HostInput, LabInput, NetworkFeature } from './network-feature';
import { NETWORK_FEATURES } from './network-features';
import { namesOf, type PlanContext } from './plan-context';
import { PLAN_PHASES, type HostPlan, type LabPlan } from './step';

export function planLab(spec: LabSpec, allocation: Allocation, ctx: PlanContext): LabPlan {
  return composeLab({ spec, allocation, ctx }, NETWORK_FEATURES);
}

/** The plan of a lab with these features (those that apply to it), in this order. */
export function composeLab(lab: LabInput, features: readonly NetworkFeature[]): LabPlan {
  const present = features.filter((f) => f.applies(lab.spec));
  const hosts = lab.allocation.hosts.map((host) => planHost(lab, host, present));
  for (const f of present) hosts.push(...(f.nodes?.(lab) ?? []));
  return { lab: lab.spec.name, hosts };
}

function planHost(lab: LabInput, host: HostAllocation, features: readonly NetworkFeature[]): HostPlan {
  const input: HostInput = { ...lab, host, names: namesOf(lab.ctx), netnsOf: (pod) => lab.ctx.podNetns(host.name, pod) };
  const contributions = features.map((f) => f.hostSteps(input));
  const phases = PLAN_PHASES.map((phase) => ({ phase, steps: contributions.flatMap((c) => c[phase] ?? []) }));
  // The host is ready when every feature's steps ran.
  phases[phases.length - 1]!.steps.push(readyMarker(lab.ctx));
  return { host: host.name, role: 'host', phases, expected: features.flatMap((f) => f.expected(input)) };
}
