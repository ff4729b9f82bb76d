// The garbage-collection rule every driver follows: of this user's labs,
// the remains of builds that never finished are removed and complete labs
// are kept (and returned); another user's labs are left alone, even half
// built — they are theirs to remove.
import type { LabSummary } from '../../shared/lab';
import type { GcResult } from './host-driver';
import { ownedByOther } from './lab-owner';

export interface UnfinishedLabs<L> {
  summary(lab: L): LabSummary;
  /** How a kept lab is reported (default: its summary). */
  kept?(lab: L): Promise<LabSummary>;
  remove(lab: L): Promise<void>;
  /** Keep a lab whose removal fails (a machine is away: nothing can be removed there now) instead of failing. */
  keepUnremovable?: boolean;
}

export async function collectUnfinished<L>(labs: readonly L[], how: UnfinishedLabs<L>): Promise<GcResult> {
  const removed: string[] = [];
  const kept: LabSummary[] = [];
  for (const lab of labs) {
    const summary = how.summary(lab);
    if (ownedByOther(summary.owner)) continue;
    if (summary.status !== 'failed') {
      kept.push(how.kept ? await how.kept(lab) : summary);
      continue;
    }
    try {
      await how.remove(lab);
      removed.push(summary.name);
    } catch (e) {
      if (!how.keepUnremovable) throw e;
      kept.push(summary);
    }
  }
  return { removed, kept };
}
