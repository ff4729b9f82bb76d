// The local driver as the registry knows it: hosts are network namespaces
// on this machine (Linux, root), the underlay a namespace with one bridge.
import { existsSync } from 'node:fs';
import { DOCKER_PLAN_CONTEXT } from '../../plan/plan-context';
import { isValidName } from '../../spec/names';
import type { DriverCapabilities, DriverDefinition } from '../driver-definition';
import { labRecordFile } from './local-layout';

export const LOCAL_CAPABILITIES: DriverCapabilities = {
  ownsUnderlay: true,
  hostsAreMachines: false,
  remoteEngines: false,
  buildsImage: false,
  destroysBySpec: false,
  // The switch is a bare network namespace (no mount namespace of its own): commands cannot enter it as a node.
  observesUnderlay: false,
  revives: false,
  kubernetes: true,
};

export const localDriver: DriverDefinition = {
  kind: 'local',
  capabilities: LOCAL_CAPABILITIES,
  // Inside a host everything is as in a container: pods are `a`, `b`; files in /etc/podnet.
  planContext: DOCKER_PLAN_CONTEXT,
  traits: { kind: 'local', ...LOCAL_CAPABILITIES, linkName: (base) => base },
  reachFirst: false,
  available: () => process.platform === 'linux',
  instanceOf: () => null,
  probe: async (lab, deps) => isValidName(lab) && existsSync(labRecordFile(lab, deps.options.localRoot)),
  async create(deps) {
    const { LocalDriver } = await import('./local-driver');
    return new LocalDriver(deps.options.localRoot);
  },
};
