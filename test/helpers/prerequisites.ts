// Integration suites run for real or not at all: with
// PODNET_REQUIRE_DOCKER=1 (CI) a missing prerequisite FAILS the suite;
// elsewhere the suite is skipped and says why.
import Docker from 'dockerode';
import { imageExists, NODE_IMAGE } from '../../src/engine/drivers/docker/node-image';
import { dockerStatus } from './docker-required';

export const REQUIRED = process.env.PODNET_REQUIRE_DOCKER === '1';

/** What is missing for the Docker-backed suites ('' when ready). */
export async function dockerProblem(): Promise<string> {
  const status = await dockerStatus();
  if (!status.ok) return status.reason;
  return (await imageExists(new Docker(), NODE_IMAGE)) ? '' : `the node image ${NODE_IMAGE} is missing (podnet image build)`;
}

/** Throws in CI, otherwise tells vitest to skip: use as `describe.skipIf(skipFor(problem))`. */
export function skipFor(problem: string, suite: string): boolean {
  if (!problem) return false;
  if (REQUIRED) throw new Error(`${suite}: ${problem} (PODNET_REQUIRE_DOCKER=1: integration suites must run)`);
  console.warn(`skipping ${suite}: ${problem}`);
  return true;
}
