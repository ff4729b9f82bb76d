// Browser mode's key to the API socket. `podnet serve` prints an address
// with `?token=…`; the page takes the token out of its address at once
// (history.replaceState: not left in the address bar, the history or a
// bookmark) and keeps it in this tab's sessionStorage, so that a reload or a
// reconnect of this tab still works, and nothing else (no cookie) carries it.
import { TOKEN_PARAM } from '../../../shared/ws-protocol';

export const TOKEN_STORAGE_KEY = 'podnet.serve.token';

export interface PageWindow {
  location: Pick<Location, 'pathname' | 'search' | 'hash'>;
  history: Pick<History, 'replaceState' | 'state'>;
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
}

/** The token from the address (then removed from it), else the one this tab kept; null when there is none. */
export function takePageToken(w: PageWindow): string | null {
  const params = new URLSearchParams(w.location.search);
  const fromAddress = params.get(TOKEN_PARAM);
  if (fromAddress === null) {
    try {
      return w.sessionStorage.getItem(TOKEN_STORAGE_KEY);
    } catch {
      return null; // storage disabled: only the address can carry it
    }
  }
  try {
    w.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromAddress);
  } catch {
    // kept in memory only: a reload then needs the printed address again
  }
  params.delete(TOKEN_PARAM);
  const search = params.toString();
  w.history.replaceState(w.history.state, '', `${w.location.pathname}${search ? `?${search}` : ''}${w.location.hash}`);
  return fromAddress;
}
