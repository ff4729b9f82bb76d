// `ping` between targets of a lab: resolve the destination from the OBSERVED
// state, run iputils ping at the source, report replies.
import { isIpv4 } from './ipam/cidr';
import type { Target } from './targets';

export interface PingSummary {
  transmitted: number;
  received: number;
  lossPercent: number;
}

/** `3 packets transmitted, 3 received, 0% packet loss` → numbers. */
export function parsePingSummary(output: string): PingSummary | null {
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, \+\d+ errors)?, ([\d.]+)% packet loss/.exec(output);
  if (!m) return null;
  return { transmitted: Number(m[1]), received: Number(m[2]), lossPercent: Number(m[3]) };
}

/** `pattern`: up to 16 payload bytes in hex (`ping -p`), to recognise this ping's packets in a capture. */
export function pingArgv(destination: string, count: number, pattern?: string): string[] {
  if (pattern !== undefined && !/^[0-9a-f]{2,32}$/.test(pattern)) throw new Error(`bad ping pattern ${pattern}`);
  return ['ping', '-n', '-c', String(count), '-i', '0.2', '-W', '1', ...(pattern ? ['-p', pattern] : []), destination];
}

export function isAddress(to: string): boolean {
  return isIpv4(to);
}

export type { Target };
