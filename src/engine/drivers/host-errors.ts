// What every driver says when a command names a host its lab does not have.
import { ERROR_CODES } from '../../shared/errors';
import { PodnetError } from '../errors';

/** `where`: the place the driver looked, when it says more (" on this machine"). */
export function noSuchHost(lab: string, host: string, where = ''): PodnetError {
  return new PodnetError(ERROR_CODES.TARGET, `lab ${lab} has no host ${host}${where}`, { hint: 'see `podnet ls` for the hosts of each lab' });
}
