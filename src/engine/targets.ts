// `host`, `host/pod` and `internet` targets, checked against the lab.
import { ERROR_CODES } from '../shared/errors';
import type { HostState } from '../shared/snapshot';
import { PodnetError } from './errors';
import { INTERNET_NODE } from './plan/internet-node';
import { DEFAULTS, type LabSpec } from './spec/lab-spec';
import { isValidName } from './spec/names';

export interface Target {
  host: string;
  pod: string | null;
}

export function parseTarget(text: string): Target {
  const [host, pod, ...rest] = text.split('/');
  if (!host || rest.length > 0 || !isValidName(host) || (pod !== undefined && !isValidName(pod))) {
    throw new PodnetError(ERROR_CODES.USAGE, `"${text}" is not a target`, { hint: 'write a host (host1) or a pod on a host (host1/a)' });
  }
  return { host, pod: pod ?? null };
}

export function checkTarget(spec: LabSpec | null, lab: string, t: Target): void {
  if (!spec) return;
  if (t.host === INTERNET_NODE && spec.internet && t.pod === null) return;
  const host = spec.hosts.find((h) => h.name === t.host);
  if (!host) {
    const names = [...spec.hosts.map((h) => h.name), ...(spec.internet ? [INTERNET_NODE] : [])];
    throw new PodnetError(ERROR_CODES.TARGET, `lab ${lab} has no host "${t.host}"`, { hint: `hosts: ${names.join(', ')}` });
  }
  if (t.pod !== null && !host.pods.some((p) => p.name === t.pod)) {
    throw new PodnetError(ERROR_CODES.TARGET, `host ${t.host} has no pod "${t.pod}"`, { hint: `pods on ${t.host}: ${host.pods.map((p) => p.name).join(', ') || 'none'}` });
  }
}

export const formatTarget = (t: Target) => (t.pod ? `${t.host}/${t.pod}` : t.host);

/**
 * A target's IPv4 address now: a pod's eth0 or a host's underlay address, read from its host's
 * OBSERVED state (`state`; not needed for the internet node, whose address is the lab's).
 */
export function targetAddress(lab: string, t: Target, state: HostState | null, spec: LabSpec | null): string {
  let address: string | null;
  if (t.host === INTERNET_NODE) address = spec?.internet ? DEFAULTS.internetAddress : null;
  else {
    if (!state?.reachable) throw new PodnetError(ERROR_CODES.HOST_DOWN, `cannot find ${formatTarget(t)}'s address: ${state?.error ?? `${t.host} was not read`}`, { hint: `see what is wrong: podnet ls; bring it back: podnet repair ${lab}` });
    address = t.pod ? (state.pods.find((p) => p.name === t.pod)?.ip ?? null) : state.underlayIp;
  }
  if (!address) throw new PodnetError(ERROR_CODES.TARGET, `${formatTarget(t)} has no IPv4 address right now`, { hint: `look at it: podnet inspect ${lab}; podnet ls says whether the lab is degraded (then: podnet repair ${lab})` });
  return address;
}
