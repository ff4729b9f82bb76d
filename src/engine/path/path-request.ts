// What `podnet path` traces: `<to>[:port]` and the protocol. A port means
// TCP unless told otherwise; without one, a ping. The destination stays as
// written (a target or a plain IPv4 address, e.g. a Service's ClusterIP).
import { ERROR_CODES } from '../../shared/errors';
import type { PathProtocol } from '../../shared/path';
import { PodnetError } from '../errors';

export interface PathRequest {
  /** The destination without its port: `host2/b`, `host2`, `internet`, `10.96.0.10`. */
  to: string;
  protocol: PathProtocol;
  port: number | null;
}

export const PATH_PROTOCOLS: readonly PathProtocol[] = ['icmp', 'tcp', 'udp'];

function portOf(text: string, whole: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new PodnetError(ERROR_CODES.USAGE, `"${whole}" has no valid port: "${text}" is not a number from 1 to 65535`, { hint: 'write host2/b:8080' });
  }
  return Number(text);
}

/** `host2/b:8080` (+ the protocol flag, or the port given apart) → what to trace. */
export function parsePathRequest(text: string, opts: { protocol?: PathProtocol | undefined; port?: number | null | undefined } = {}): PathRequest {
  const colon = text.lastIndexOf(':');
  const to = colon >= 0 ? text.slice(0, colon) : text;
  let port = colon >= 0 ? portOf(text.slice(colon + 1), text) : null;
  if (opts.port != null) {
    if (port != null && port !== opts.port) throw new PodnetError(ERROR_CODES.USAGE, `two ports given: ${port} in "${text}" and ${opts.port}`);
    port = portOf(String(opts.port), String(opts.port));
  }
  if (!to) throw new PodnetError(ERROR_CODES.USAGE, `"${text}" names no destination`, { hint: 'write a host, host/pod, internet or an IPv4 address, e.g. host2/b:8080' });
  const protocol = opts.protocol ?? (port != null ? 'tcp' : 'icmp');
  if (protocol === 'icmp' && port != null) throw new PodnetError(ERROR_CODES.USAGE, `a ping has no port (${text})`, { hint: 'add --tcp or --udp to trace a connection to a port' });
  if (protocol !== 'icmp' && port == null) throw new PodnetError(ERROR_CODES.USAGE, `a ${protocol.toUpperCase()} path needs a port`, { hint: `write the destination with its port, e.g. ${to}:8080` });
  return { to, protocol, port };
}
