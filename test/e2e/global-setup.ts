// Before the e2e suites: the app must be built (a fresh clone runs
// `npm install && npm test`), and rebuilt when any source is newer than the
// build, so the browser never tests yesterday's renderer.
import { ensureBuilt } from '../../scripts/ensure-built.mjs';

export default function setup(): void {
  ensureBuilt('app');
}
