// Before the integration suites: the CLI bundle is current, and the node
// image exists — once (otherwise every suite would start building them at
// the same time).
import Docker from 'dockerode';
import { createEngine } from '../../src/engine/index';
import { NODE_IMAGE, imageExists } from '../../src/engine/drivers/docker/node-image';
import { RESOURCES_DIR } from '../helpers/lab-fixture';
import { dockerStatus } from '../helpers/docker-required';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';

export default async function setup(): Promise<void> {
  ensureBuilt('cli');
  if (!(await dockerStatus()).ok) return; // the suites report it (fail in CI, skip with the reason elsewhere)
  if (await imageExists(new Docker(), NODE_IMAGE)) return;
  console.log(`[integration] building ${NODE_IMAGE} once before the suites…`);
  const engine = createEngine({ resourcesDir: RESOURCES_DIR });
  try {
    await engine.buildImage({ onLine: (l) => console.log(`  ${l}`) });
  } finally {
    await engine.dispose();
  }
}
