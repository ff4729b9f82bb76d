// The ssh driver as the registry knows it: hosts are machines the lab file
// names, reached over SSH; the underlay is their own network, so their
// addresses are found on them, and what the lab creates there is prefixed.
import type { DriverCapabilities, DriverDefinition } from '../driver-definition';
import { SSH_PLAN_CONTEXT } from './ssh-plan-context';

export const SSH_CAPABILITIES: DriverCapabilities = {
  ownsUnderlay: false,
  hostsAreMachines: true,
  remoteEngines: false,
  buildsImage: false,
  destroysBySpec: true,
  observesUnderlay: false,
  revives: false,
  kubernetes: false,
};

export const sshDriver: DriverDefinition = {
  kind: 'ssh',
  capabilities: SSH_CAPABILITIES,
  planContext: SSH_PLAN_CONTEXT,
  traits: { kind: 'ssh', ...SSH_CAPABILITIES, linkName: SSH_PLAN_CONTEXT.names!.link },
  reachFirst: false,
  available: () => true,
  instanceOf: () => null,
  // Labs on machines are known by this user's records alone.
  probe: async (lab, deps) => (await deps.registry.get(lab))?.driver === 'ssh',
  async create(deps) {
    const { SshDriver } = await import('./ssh-driver');
    return new SshDriver({ registry: deps.registry, known: deps.knownHosts, policy: deps.options.hostKeys });
  },
};
