// The docker driver as the registry knows it: hosts are containers of the
// node image, the underlay a switch container of the lab's own; labs can
// run on another machine's engine (`engine: ssh://…`, `tcp://…`, `unix://…`).
// Light on purpose: the driver and the Docker client load when first made.
import { DOCKER_PLAN_CONTEXT } from '../../plan/plan-context';
import type { DriverCapabilities, DriverDefinition } from '../driver-definition';
import { dockerHasLab, localDockerSocket } from './docker-lab-probe';

export const DOCKER_CAPABILITIES: DriverCapabilities = {
  ownsUnderlay: true,
  hostsAreMachines: false,
  remoteEngines: true,
  buildsImage: true,
  destroysBySpec: false,
  observesUnderlay: true,
  revives: true,
  kubernetes: true,
};

export const dockerDriver: DriverDefinition = {
  kind: 'docker',
  capabilities: DOCKER_CAPABILITIES,
  planContext: DOCKER_PLAN_CONTEXT,
  traits: { kind: 'docker', ...DOCKER_CAPABILITIES, linkName: (base) => base },
  reachFirst: true,
  available: () => true,
  instanceOf: (spec) => spec.engine,
  // One raw request to the local engine's socket: a local or SSH lab checks its name is free without loading the Docker client.
  async probe(lab, deps) {
    const socket = deps.options.docker ? null : localDockerSocket();
    return socket ? dockerHasLab(socket, lab) : null;
  },
  async create(deps, engine) {
    const [{ DockerDriver }, { dockerClient }] = await Promise.all([import('./docker-driver'), import('./docker-client')]);
    return new DockerDriver({
      docker: dockerClient(engine, deps),
      resourcesDir: deps.options.resourcesDir,
      ...(deps.options.imageMethod ? { imageMethod: deps.options.imageMethod } : {}),
      ...(engine ? { engineLabel: engine, registry: deps.registry } : {}),
    });
  },
};
