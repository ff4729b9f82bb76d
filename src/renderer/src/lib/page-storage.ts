// The page's own storage (localStorage: the desktop app and a browser alike),
// or null where it is refused (then progress lasts as long as the page).
import type { KeyValueStorage } from '../exercises/progress-storage';

export function pageStorage(): KeyValueStorage | null {
  try {
    return window.localStorage ?? null;
  } catch {
    return null;
  }
}
