// Reads every host of a running lab in parallel (warm channels) → Snapshot.
import type { LabSummary } from '../../shared/lab';
import type { HostState, Snapshot } from '../../shared/snapshot';
import type { HostDriver } from '../drivers/host-driver';
import { observeScript } from './observe-script';
import { parseObservation, unreachableHost } from './parse-observation';

export async function observeHost(driver: HostDriver, lab: string, host: { name: string; role: HostState['role'] }): Promise<HostState> {
  const scope = driver.observeScope(lab, host.name);
  try {
    const result = await driver.channel(lab, host.name).run(observeScript(scope), 10_000);
    if (result.code !== 0 && !result.stdout.includes('\x1esection host')) {
      return unreachableHost(host, result.stderr.trim() || `exit code ${result.code}`);
    }
    return parseObservation(result.stdout, host, scope);
  } catch (e) {
    return unreachableHost(host, e instanceof Error ? e.message : String(e));
  }
}

export async function observeLab(driver: HostDriver, summary: LabSummary, revision = 1): Promise<Snapshot> {
  // A host that does not run is not asked: the lab's fault says what is wrong with it.
  const notRunning = (h: { name: string }) => summary.faults.find((f) => f.part === h.name)?.message ?? `${h.name} is not running`;
  const states = await Promise.all(summary.hosts.map((h) => (h.running ? observeHost(driver, summary.name, h) : Promise.resolve(unreachableHost(h, notRunning(h))))));
  return {
    name: summary.name,
    revision,
    takenAt: new Date().toISOString(),
    hosts: states.filter((h) => h.role === 'host'),
    internet: states.find((h) => h.role === 'internet') ?? null,
  };
}

/** What identifies a change: everything but counters and the time of reading. */
export function snapshotFingerprint(s: Pick<Snapshot, 'hosts' | 'internet'>): string {
  return JSON.stringify({ hosts: s.hosts, internet: s.internet }, (key, value) => (key === 'stats' ? undefined : value));
}
