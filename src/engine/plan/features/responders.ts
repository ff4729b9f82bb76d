// A pod's `serve: <port>`: the responder script on the host, a responder in
// each serving pod, and a wait until each listens (responder.ts).
import type { HostInput, NetworkFeature } from '../network-feature';
import { responderScriptStep, responderSteps, waitForResponder } from '../responder';

const servingPods = ({ host }: HostInput) => host.pods.filter((p) => p.serve !== null);

export const responders: NetworkFeature = {
  name: 'responders',
  applies: (spec) => spec.hosts.some((h) => h.pods.some((p) => p.serve !== null)),
  hostSteps: (input) => {
    const serving = servingPods(input);
    if (serving.length === 0) return {};
    const { host, ctx, netnsOf } = input;
    return {
      hosts: [responderScriptStep(ctx.stateDir)],
      pods: serving.flatMap((p) => responderSteps({ stateDir: ctx.stateDir, netns: netnsOf(p.name), who: p.name, node: host.name, ip: p.ip, port: p.serve! })),
      ready: serving.map((p) => waitForResponder({ netns: netnsOf(p.name), port: p.serve! })),
    };
  },
  expected: () => [],
};
