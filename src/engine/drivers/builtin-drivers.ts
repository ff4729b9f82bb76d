// The drivers Podnet ships, in the order labs are looked for (a name is one
// lab, whatever runs it). A driver joins by adding its definition here.
import { driverRules, type DriverDefinition } from './driver-definition';
import { dockerDriver } from './docker/docker-definition';
import { localDriver } from './local/local-definition';
import { sshDriver } from './ssh/ssh-definition';

export const BUILTIN_DRIVERS: readonly DriverDefinition[] = [localDriver, sshDriver, dockerDriver];

/** What checking a lab file needs to know about the built-in drivers. */
export const builtinDriverRules = () => driverRules(BUILTIN_DRIVERS);
