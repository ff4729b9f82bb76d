// End-to-end suites need Chromium and a Docker daemon. Without them they
// skip with the reason — unless PODNET_REQUIRE_DOCKER=1 (CI), where they fail.
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { dockerStatus } from '../../helpers/docker-required';

export const CHROMIUM = process.env.PODNET_CHROMIUM ?? '/usr/bin/chromium';

export async function missingForBrowser(): Promise<string[]> {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`);
  const docker = await dockerStatus();
  if (!docker.ok) missing.push(docker.reason);
  return missing;
}

/** `describe` for suites driving the app in Chromium against a real Docker daemon. */
export async function describeInBrowser(name: string, body: () => void): Promise<void> {
  const missing = await missingForBrowser();
  if (missing.length === 0) {
    describe(name, body);
  } else if (process.env.PODNET_REQUIRE_DOCKER === '1') {
    describe(name, () => {
      it('needs Chromium and a Docker daemon (PODNET_REQUIRE_DOCKER=1)', () => {
        throw new Error(missing.join('; '));
      });
    });
  } else {
    const reason = missing.join('; ');
    console.warn(`[skipped] ${name}: ${reason}; set PODNET_REQUIRE_DOCKER=1 to make this a failure`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}
