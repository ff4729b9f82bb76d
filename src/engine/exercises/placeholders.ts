// Placeholders in exercise commands and checks, filled from the lab's
// OBSERVED state (addresses and MACs differ from lab to lab):
//   {{ip host2}}             host2's underlay address
//   {{ip host2/b}}           pod b's eth0 address
//   {{ip internet}}          the lab's internet address (203.0.113.10)
//   {{mac host2 flannel.1}}  the MAC of an interface on a host or in a pod
import type { Snapshot } from '../../shared/snapshot';
import { DEFAULTS } from '../spec/lab-spec';
import { findNode } from '../observe/snapshot-nodes';

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const TARGET = /^[a-z][a-z0-9-]{0,19}(\/[a-z][a-z0-9-]{0,19})?$/;
const IFACE = /^[A-Za-z0-9_.@:+-]{1,15}$/;

export interface Placeholder {
  fn: 'ip' | 'mac';
  target: string;
  iface: string | null;
}

export class PlaceholderError extends Error {}

export function parsePlaceholder(body: string): Placeholder {
  const [fn, target, iface, ...rest] = body.split(/\s+/);
  if (fn === 'ip' && target && TARGET.test(target) && iface === undefined) return { fn, target, iface: null };
  if (fn === 'mac' && target && TARGET.test(target) && iface && IFACE.test(iface) && rest.length === 0) return { fn, target, iface };
  throw new PlaceholderError(`{{${body}}} is not a placeholder: write {{ip <host>}}, {{ip <host>/<pod>}} or {{mac <host> <interface>}}`);
}

/** Every placeholder of a text (throws on a malformed one). */
export function placeholdersOf(text: string): Placeholder[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => parsePlaceholder(m[1]!));
}

export function hasPlaceholders(text: string): boolean {
  return text.search(PLACEHOLDER) >= 0;
}

function valueOf(p: Placeholder, s: Snapshot): string {
  if (p.fn === 'ip' && p.target === 'internet') return DEFAULTS.internetAddress;
  const node = findNode(s, p.target);
  if (!node) throw new PlaceholderError(`lab ${s.name} has no ${p.target}`);
  if (p.fn === 'ip') {
    const ip = node.pod ? node.pod.ip : node.host.underlayIp;
    if (!ip) throw new PlaceholderError(`${p.target} has no IPv4 address right now`);
    return ip;
  }
  const mac = node.netns.interfaces.find((i) => i.name === p.iface)?.mac;
  if (!mac) throw new PlaceholderError(`${p.target} has no interface ${p.iface} (so no MAC to fill in)`);
  return mac;
}

/** Fills every placeholder from the snapshot. */
export function resolvePlaceholders(text: string, s: Snapshot): string {
  return text.replace(PLACEHOLDER, (_m, body: string) => valueOf(parsePlaceholder(body), s));
}

/** For validating a command line without a lab: each placeholder becomes one plain word. */
export function blankPlaceholders(text: string): string {
  return text.replace(PLACEHOLDER, 'PLACEHOLDER');
}
