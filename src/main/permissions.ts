// The page may use the clipboard (terminal copy/paste) and nothing else that
// needs a permission: no camera, notifications, geolocation, …
import type { Session } from 'electron';

const ALLOWED = new Set(['clipboard-sanitized-write', 'clipboard-read']);

export function restrictPermissions(session: Session, isAppUrl: (url: string) => boolean): void {
  session.setPermissionRequestHandler((wc, permission, callback) => callback(ALLOWED.has(permission) && isAppUrl(wc.getURL())));
  session.setPermissionCheckHandler((wc, permission) => ALLOWED.has(permission) && !!wc && isAppUrl(wc.getURL()));
}
