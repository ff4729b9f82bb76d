// A lab has one owner (`user@machine`, recorded when it is built): another
// user's lab is never torn down by accident — `down`, `up` over it and `gc`
// leave it alone unless told otherwise (--force).
import { ERROR_CODES } from '../../shared/errors';
import { PodnetError } from '../errors';
import { currentOwner } from '../util/process-identity';

/** Is the lab someone else's? (A lab without a recorded owner — built by an older Podnet — counts as nobody else's.) */
export function ownedByOther(owner: string | null | undefined): owner is string {
  return !!owner && owner !== currentOwner();
}

export function othersLabError(lab: string, owner: string): PodnetError {
  return new PodnetError(ERROR_CODES.LAB_OWNED, `lab ${lab} belongs to ${owner}, not to you (${currentOwner()})`, {
    hint: `ask ${owner} to remove it, or remove it anyway: podnet down ${lab} --force`,
  });
}

/** Throws LAB_OWNED when the lab is another user's. */
export function refuseOthersLab(lab: string, owner: string | null | undefined): void {
  if (ownedByOther(owner)) throw othersLabError(lab, owner);
}
