// Where a capture can run, from the observed snapshot: every host and pod
// (and the internet node) with its interfaces, plus `any`.
import type { NetnsState, Snapshot } from '../../../shared/snapshot';
import { podNoun } from '../topology/pod-noun';

export interface CaptureTarget {
  /** `host`, `host/pod` or `internet`. */
  target: string;
  label: string;
  ifaces: string[];
}

const ifaces = (n: NetnsState) => [...n.interfaces.filter((i) => i.name !== 'lo').map((i) => i.name), 'any'];

export function captureTargets(s: Snapshot): CaptureTarget[] {
  const out = s.hosts.flatMap((h) => [
    { target: h.name, label: `${h.name} (host)`, ifaces: ifaces(h) },
    ...h.pods.map((p) => ({ target: `${h.name}/${p.name}`, label: `${h.name}/${p.name} (${podNoun(h)} ${p.ip ?? 'without address'})`, ifaces: ifaces(p) })),
  ]);
  if (s.internet) out.push({ target: 'internet', label: 'internet', ifaces: ifaces(s.internet) });
  return out;
}

/** The interface offered first: eth0 (a host's underlay NIC, a pod's only NIC), else the first one. */
export function defaultIface(t: CaptureTarget | undefined): string {
  if (!t) return 'any';
  return t.ifaces.includes('eth0') ? 'eth0' : (t.ifaces[0] ?? 'any');
}

/** A capture chosen elsewhere (the topology's menu, an exercise's hint) for the form. */
export interface CapturePreset {
  target: string;
  iface: string | null;
  /** A hint's tcpdump filter (the topology's menu leaves the field as it is). */
  filter?: string | null;
}
