// Creating a container with only its name in the request's address.
// dockerode's createContainer puts every option in the query string as well
// as in the body; the lab's spec (a label of the switch container) then
// made the request line too large for Docker ("HTTP code 431") once a lab
// had a long description. The body carries everything, once.
import type Docker from 'dockerode';
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError } from '../../errors';
import { formatBytes } from '../../util/read-bounded-file';

/** All labels of one container together; the lab's spec is by far the largest (~100 KiB for the largest lab). */
export const MAX_LABEL_BYTES = 512 * 1024;

export function createContainer(docker: Docker, options: Docker.ContainerCreateOptions & { name: string }): Promise<Docker.Container> {
  const { name, ...body } = options;
  const labelBytes = Buffer.byteLength(JSON.stringify(body.Labels ?? {}));
  if (labelBytes > MAX_LABEL_BYTES) {
    return Promise.reject(new PodnetError(ERROR_CODES.SPEC, `the lab is too large to record on container ${name}: its labels take ${formatBytes(labelBytes)}, at most ${formatBytes(MAX_LABEL_BYTES)}`, { hint: 'fewer hosts, pods or published ports (README § Limits)' }));
  }
  return docker.createContainer({ _query: { name }, _body: body } as unknown as Docker.ContainerCreateOptions);
}
