// `podnet image build`: the hosts' image built afresh by the driver that
// builds one.
import { ERROR_CODES } from '../../shared/errors';
import type { DriverRegistry } from '../drivers/driver-registry';
import type { ImageBuildOptions } from '../drivers/host-driver';
import { PodnetError } from '../errors';

export async function buildImage(drivers: DriverRegistry, opts: ImageBuildOptions): Promise<string> {
  const driver = await drivers.withCapability('buildsImage');
  if (!driver?.buildImage) throw new PodnetError(ERROR_CODES.USAGE, 'no driver here builds an image', { hint: 'the node image is built by the docker driver' });
  return driver.buildImage(opts);
}
