// The state file each host keeps: what the lab created there, so that `down`
// and garbage collection can find it by identity alone, and a learner can
// `cat` it to see what the host is.
import type { Allocation, HostAllocation } from '../ipam/allocation';
import type { LabSpec } from '../spec/lab-spec';
import type { PlanContext } from './plan-context';
import type { Step } from './step';

export interface HostStateFile {
  lab: string;
  host: string;
  mode: LabSpec['network']['mode'];
  backend: LabSpec['network']['backend'];
  underlayIp: string;
  lease: string | null;
  bridge: string;
  pods: { name: string; netns: string; ip: string; veth: string }[];
  vxlanDevice: string | null;
}

export function hostStateFile(spec: LabSpec, allocation: Allocation, host: HostAllocation, ctx: PlanContext): Step {
  const state: HostStateFile = {
    lab: spec.name,
    host: host.name,
    mode: spec.network.mode,
    backend: spec.network.backend,
    underlayIp: host.underlayIp,
    lease: host.lease,
    bridge: host.bridge.name,
    pods: host.pods.map((p) => ({ name: p.name, netns: ctx.podNetns(host.name, p.name), ip: p.ip, veth: p.vethHost })),
    vxlanDevice: allocation.flannel?.backend === 'vxlan' ? allocation.flannel.device : null,
  };
  return { kind: 'file', path: `${ctx.stateDir}/lab.json`, content: JSON.stringify(state, null, 2) + '\n', mode: 0o644 };
}
