// Who can ping whom, from the observed snapshot: pods and hosts as sources;
// pods, hosts and the internet node as destinations, with their addresses.
import type { Snapshot } from '../../../shared/snapshot';
import { internetAddress } from '../topology/topology-graph';

export interface PingEndpoint {
  /** `host`, `host/pod` or `internet`. */
  target: string;
  label: string;
  address: string | null;
}

export function pingSources(s: Snapshot): PingEndpoint[] {
  return s.hosts.flatMap((h) => [
    ...h.pods.map((p) => ({ target: `${h.name}/${p.name}`, label: `${h.name}/${p.name} (${p.ip ?? 'no address'})`, address: p.ip })),
    { target: h.name, label: `${h.name} (${h.underlayIp ?? 'no address'})`, address: h.underlayIp },
  ]);
}

export function pingDestinations(s: Snapshot): PingEndpoint[] {
  const out = pingSources(s).filter((e) => e.address);
  const inet = s.internet ? internetAddress(s.internet) : null;
  if (inet) out.push({ target: 'internet', label: `internet (${inet})`, address: inet });
  return out;
}

/** The destination offered first: the first one on another host than `from`, else the first other one. */
export function defaultDestination(destinations: readonly PingEndpoint[], from: string): string {
  const host = from.split('/')[0];
  return (destinations.find((d) => d.target.split('/')[0] !== host) ?? destinations.find((d) => d.target !== from))?.target ?? '';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const isIpv4 = (s: string) => IPV4.test(s);
