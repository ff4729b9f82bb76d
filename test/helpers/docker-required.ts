// Integration suites need a real Docker daemon. Without one they skip with
// the reason — unless PODNET_REQUIRE_DOCKER=1 (CI), where they fail.
import Docker from 'dockerode';
import { describe, it } from 'vitest';

export async function dockerStatus(): Promise<{ ok: boolean; reason: string }> {
  try {
    await Promise.race([new Docker().ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
    return { ok: true, reason: '' };
  } catch (e) {
    return { ok: false, reason: `Docker is not reachable (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** `describe` that runs with Docker, fails without it in CI, and says why it skips elsewhere. */
export async function describeWithDocker(name: string, body: () => void): Promise<void> {
  const status = await dockerStatus();
  if (status.ok) {
    describe(name, body);
  } else if (process.env.PODNET_REQUIRE_DOCKER === '1') {
    describe(name, () => {
      it('needs a Docker daemon (PODNET_REQUIRE_DOCKER=1)', () => {
        throw new Error(`${status.reason}: start dockerd before running the integration tests`);
      });
    });
  } else {
    console.warn(`[skipped] ${name}: ${status.reason}; set PODNET_REQUIRE_DOCKER=1 to make this a failure`);
    describe.skip(`${name} (skipped: ${status.reason})`, body);
  }
}
