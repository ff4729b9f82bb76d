// A small exercise as `exercises:get` returns it (filled in for a running
// lab): prose, a try block, a waiting capture, a solution, hints, checks.
import type { Exercise, ExerciseSummary } from '../../src/shared/exercise';

export const SUMMARY: ExerciseSummary = { id: 'flannel-vxlan', number: 6, title: 'flannel VXLAN', lab: 'flannel-vxlan', minutes: 20, steps: 2 };

export function exercise(resolvedFor: string | null = 'flannel-vxlan'): Exercise {
  const mac = resolvedFor ? 'ae:e9:ab:3c:f3:31' : '{{mac host2 flannel.1}}';
  return {
    ...SUMMARY,
    intro: 'Read the **leases**, then break the tunnel.',
    realWorld: { title: 'On a real cluster', markdown: '`kubectl get nodes -o jsonpath=\'{..podCIDR}\'`' },
    resolvedFor,
    exerciseSteps: [
      {
        number: 1,
        title: 'Watch the encapsulation',
        blocks: [
          { type: 'prose', markdown: 'Start a capture on `host1`, then ping.\n\n<img src=x onerror="window.pwned=1">\n\n[docs](javascript:alert(1)) and [flannel](https://github.com/flannel-io/flannel)' },
          { type: 'commands', role: 'try', target: 'host1', commands: ['tcpdump -ni eth0 -c 4 udp port 8472'], expectFailure: false, waits: true },
          { type: 'commands', role: 'try', target: 'host1/a', commands: ['ping -c 2 10.2.3.10'], expectFailure: false, waits: false },
        ],
        hints: [
          { markdown: 'The capture panel shows the same packets, with each header.', tool: { panel: 'capture', on: 'host1', iface: 'eth0', filter: 'udp port 8472' } },
          { markdown: 'Add `-T vxlan`.', tool: null },
          { markdown: 'Trace one ping.', tool: { panel: 'path', from: 'host1/a', to: 'host2/b' } },
        ],
        checks: [{ kind: 'ping', from: 'host1/a', to: 'host2/b', expect: 'success', count: 2 }],
        checkLabels: ['ping host1/a → host2/b gets replies'],
        changes: false,
      },
      {
        number: 2,
        title: 'Break the tunnel',
        blocks: [
          { type: 'prose', markdown: 'Remove the fdb entry.' },
          { type: 'commands', role: 'solution', target: 'host1', commands: [`bridge fdb del ${mac} dev flannel.1 self`], expectFailure: false, waits: false },
        ],
        hints: [],
        checks: [
          { kind: 'fdb', on: 'host1', dev: 'flannel.1', mac, expect: 'absent' },
          { kind: 'ping', from: 'host1/a', to: 'host2/b', expect: 'failure', count: 2 },
        ],
        checkLabels: [`host1 has no fdb entry ${mac} dev flannel.1`, 'ping host1/a → host2/b gets no reply'],
        changes: true,
      },
    ],
  };
}
