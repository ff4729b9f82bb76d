// The one tcpdump command line a capture runs: pcap bytes to stdout, one
// packet at a time, nanosecond timestamps. The filter is ONE argv element
// after `--` (tcpdump joins its expression words itself): no shell sees it,
// and it can never be taken for an option.
import { ERROR_CODES } from '../../shared/errors';
import { PodnetError } from '../errors';

/** Linux interface names: 1–15 characters, no slash or space; `any` for every interface. */
const IFACE = /^[A-Za-z0-9_.@:+-]{1,15}$/;
export const MAX_FILTER_LENGTH = 1000;

export interface TcpdumpOptions {
  iface: string;
  filter?: string | null;
  count?: number | null;
}

export function checkCaptureInput(o: TcpdumpOptions): void {
  if (!IFACE.test(o.iface) || o.iface.startsWith('-')) {
    throw new PodnetError(ERROR_CODES.USAGE, `"${o.iface}" is not an interface name`, { hint: 'e.g. eth0, cni0, flannel.1, or any' });
  }
  if (o.filter != null) {
    if (o.filter.length > MAX_FILTER_LENGTH) throw new PodnetError(ERROR_CODES.USAGE, `the filter is longer than ${MAX_FILTER_LENGTH} characters`);
    if (/[\0\n\r]/.test(o.filter)) throw new PodnetError(ERROR_CODES.USAGE, 'the filter must be one line', { hint: 'e.g. --filter "udp port 8472"' });
  }
  if (o.count != null && (!Number.isInteger(o.count) || o.count < 1 || o.count > 1_000_000)) {
    throw new PodnetError(ERROR_CODES.USAGE, 'the packet count must be a whole number from 1 to 1000000');
  }
}

export function tcpdumpArgv(o: TcpdumpOptions): string[] {
  checkCaptureInput(o);
  const argv = ['tcpdump', '-i', o.iface, '-n', '-U', '--immediate-mode', '--time-stamp-precision=nano', '-w', '-'];
  if (o.count != null) argv.push('-c', String(o.count));
  const filter = o.filter?.trim();
  if (filter) argv.push('--', filter);
  return argv;
}

/** tcpdump's complaints that mean the request was wrong (no such interface, bad filter). */
export function isInputProblem(stderr: string): boolean {
  return /No such device|syntax error|can't parse filter|illegal|unknown (host|port|proto)|doesn't exist|not supported on this device/i.test(stderr);
}
