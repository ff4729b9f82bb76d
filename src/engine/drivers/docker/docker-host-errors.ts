// What Docker says when a command reaches a lab host that cannot run it —
// a 404 or a bare "(HTTP code 409) container … is not running" — told as
// what it means for the lab, and what to do.
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError } from '../../errors';
import { noSuchHost } from '../host-errors';

/** The error as a lab error, or the error itself when it is none of these. */
export function hostError(lab: string, host: string, e: unknown): unknown {
  const status = (e as { statusCode?: number } | null)?.statusCode;
  const message = e instanceof Error ? e.message : String(e);
  if (status === 404) return noSuchHost(lab, host);
  if (status !== 409) return e;
  const what = /is paused/i.test(message) ? 'paused' : /restarting/i.test(message) ? 'restarting' : /not running/i.test(message) ? 'stopped' : null;
  if (!what) return e;
  return new PodnetError(ERROR_CODES.HOST_DOWN, `${host} of lab ${lab} is ${what}`, {
    hint: what === 'restarting' ? `wait a moment, then bring it back: podnet repair ${lab}` : `bring it back: podnet repair ${lab} (podnet ls shows what else is broken)`,
    cause: e,
  });
}
