// `ping` from a target of a lab: the destination (an address, or a target
// resolved from its host's OBSERVED state), iputils ping at the source, the
// replies counted.
import { observeHost } from '../observe/observe-lab';
import { isAddress, parsePingSummary, pingArgv, type PingSummary } from '../ping';
import { INTERNET_NODE } from '../spec/names';
import { streamCommand } from '../stream-command';
import { checkTarget, formatTarget, parseTarget, targetAddress } from '../targets';
import { collectingStream } from '../util/collecting-stream';
import { spawnIn, type LabTarget } from './lab-target';

export interface PingOptions {
  count?: number;
  pattern?: string;
  onOutput?(chunk: string): void;
  signal?: AbortSignal;
}

export interface PingResult extends PingSummary {
  ok: boolean;
  from: string;
  to: string;
  destination: string;
  output: string;
}

export async function pingFrom(from: LabTarget, to: string, opts: PingOptions = {}): Promise<PingResult> {
  const { lab, driver, spec } = from;
  let destination: string;
  if (isAddress(to)) destination = to;
  else {
    const dest = parseTarget(to);
    checkTarget(spec, lab, dest);
    const state = dest.host === INTERNET_NODE ? null : await observeHost(driver, lab, { name: dest.host, role: 'host' });
    destination = targetAddress(lab, dest, state, spec);
  }
  const count = opts.count ?? 3;
  const stdout = collectingStream((b) => opts.onOutput?.(b.toString('utf8')));
  const stderr = collectingStream((b) => opts.onOutput?.(b.toString('utf8')));
  const argv = pingArgv(destination, count, opts.pattern);
  const code = await streamCommand((o) => spawnIn(from, argv, o), { stdout, stderr, ...(opts.signal ? { signal: opts.signal } : {}) });
  const output = stdout.text();
  const summary = parsePingSummary(output) ?? { transmitted: count, received: 0, lossPercent: 100 };
  return { ...summary, ok: code === 0 && summary.received > 0, from: formatTarget(from.target), to, destination, output: output + stderr.text() };
}
