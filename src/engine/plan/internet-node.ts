// The lab's "internet": a node on the underlay holding a documentation
// address (203.0.113.10) with a web responder. It has NO route to any pod
// subnet, so a pod reaches it only through masquerade — like the real one.
import type { Allocation } from '../ipam/allocation';
import { prefixLen } from '../ipam/cidr';
import { NO_DNS_RESOLV_CONF, type PlanContext } from './plan-context';
import { underlayPortSteps } from './underlay-port';
import { responderScriptStep, responderSteps, waitForResponder } from './responder';
import { cmd, type HostPlan } from './step';

export const INTERNET_NODE = 'internet';
/** The address sits on loopback: it needs no kernel module (a dummy device might be missing). */
const DEVICE = 'lo';

export function internetNodePlan(allocation: Allocation, ctx: PlanContext): HostPlan {
  const inet = allocation.internet!;
  return {
    host: INTERNET_NODE,
    role: 'internet',
    phases: [
      {
        phase: 'hosts',
        steps: [
          ...(ctx.isolated
            ? [
                { kind: 'file' as const, path: '/etc/resolv.conf', content: NO_DNS_RESOLV_CONF, mode: 0o644 },
                ...underlayPortSteps('eth0', inet.underlayIp, prefixLen(allocation.underlay.subnet!)),
              ]
            : []),
          cmd('ip', 'addr', 'add', `${inet.address}/32`, 'dev', DEVICE),
          responderScriptStep(ctx.stateDir),
          ...responderSteps({ stateDir: ctx.stateDir, netns: null, who: 'the-internet', ip: inet.address, port: 80 }),
        ],
      },
      { phase: 'ready', steps: [waitForResponder({ netns: null, port: 80 }), readyMarker(ctx)] },
    ],
  };
}

export function readyMarker(ctx: PlanContext) {
  return { kind: 'file' as const, path: `${ctx.stateDir}/ready`, content: 'ready\n', mode: 0o644 };
}
