// The lab's "internet": a node on the underlay holding a documentation
// address (203.0.113.10) with a web responder. It has NO route to any pod
// subnet, so a pod reaches it only through masquerade — like the real one.
import type { Allocation } from '../ipam/allocation';
import { prefixLen } from '../ipam/cidr';
import type { PlanContext } from './plan-context';
import { isolatedHostSteps } from './underlay-port';
import { responderScriptStep, responderSteps, waitForResponder } from './responder';
import { cmd, type HostPlan, type Step } from './step';
import { INTERNET_NODE } from '../spec/names';

export { INTERNET_NODE };
/** The address sits on loopback: it needs no kernel module (a dummy device might be missing). */
const DEVICE = 'lo';

export function internetNodePlan(allocation: Allocation, ctx: PlanContext): HostPlan {
  const inet = allocation.internet!;
  const underlayLen = prefixLen(allocation.underlay.subnet!);
  return {
    host: INTERNET_NODE,
    role: 'internet',
    phases: [
      {
        phase: 'hosts',
        steps: [
          ...(ctx.isolated ? isolatedHostSteps('eth0', inet.underlayIp, underlayLen) : []),
          cmd('ip', 'addr', 'add', `${inet.address}/32`, 'dev', DEVICE),
          responderScriptStep(ctx.stateDir),
          ...responderSteps({ stateDir: ctx.stateDir, netns: null, who: 'the-internet', ip: inet.address, port: 80 }),
        ],
      },
      { phase: 'ready', steps: [waitForResponder({ netns: null, port: 80 }), readyMarker(ctx)] },
    ],
    expected: [
      ...(ctx.isolated ? [{ kind: 'address' as const, dev: 'eth0', address: inet.underlayIp, prefixLen: underlayLen }] : []),
      { kind: 'address', dev: DEVICE, address: inet.address, prefixLen: 32 },
    ],
  };
}

/** The last step of every node's plan: the node is ready. */
export function readyMarker(ctx: PlanContext): Step {
  return { kind: 'file', path: `${ctx.stateDir}/ready`, content: 'ready\n', mode: 0o644 };
}
