// The lab's internet node (internet-node.ts), and every host's default route to it.
import { internetNodePlan } from '../internet-node';
import type { NetworkFeature } from '../network-feature';
import { cmd } from '../step';

export const internet: NetworkFeature = {
  name: 'internet',
  applies: (spec) => spec.internet,
  hostSteps: ({ allocation, host }) => (allocation.internet ? { hosts: [cmd('ip', 'route', 'replace', 'default', 'via', allocation.internet.underlayIp, 'dev', host.underlayDev)] } : {}),
  expected: ({ allocation }) => (allocation.internet ? [{ kind: 'route', dst: 'default', what: `the internet node (default via ${allocation.internet.underlayIp})` }] : []),
  nodes: ({ allocation, ctx }) => (allocation.internet ? [internetNodePlan(allocation, ctx)] : []),
};
