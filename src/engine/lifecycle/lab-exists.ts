// `up` of a name that is taken: one check, one message, whatever driver
// holds the lab of that name (a name is one lab, whatever runs it).
import { ERROR_CODES } from '../../shared/errors';
import type { LabSummary } from '../../shared/lab';
import { PodnetError } from '../errors';

/** `elsewhere`: the lab is held by another driver than the one about to build it. */
export function labExistsError(existing: Pick<LabSummary, 'name' | 'status' | 'owner' | 'driver'>, elsewhere: boolean): PodnetError {
  const name = existing.name;
  if (existing.status === 'building') {
    return new PodnetError(ERROR_CODES.LAB_BUSY, `lab ${name} is being built${existing.owner ? ` by ${existing.owner}` : ''}`, { hint: 'wait until it is up (podnet ls), or cancel that build' });
  }
  const where = elsewhere ? ` (${existing.driver} driver)` : '';
  if (existing.status === 'failed') {
    return new PodnetError(ERROR_CODES.LAB_EXISTS, `the remains of an unfinished build of lab ${name} are there${where}`, { hint: `remove them: podnet gc (or podnet down ${name})` });
  }
  return new PodnetError(ERROR_CODES.LAB_EXISTS, `a lab named "${name}" is already running${where}`, { hint: `stop it first: podnet down ${name}` });
}
