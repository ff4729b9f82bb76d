// Where a local lab lives on this machine. Each lab host is a network
// namespace (named podnet.<lab>.<host> in /run/netns, so `ip netns list`
// shows it) with its own mount and UTS namespaces, persisted as files under
// /run/podnet/local/<lab>/hosts/<host>/. Inside, the host sees its own /run
// (so its pods are just `a`, `b` in `ip netns list`), its own /etc
// (an overlay: /etc/podnet, /etc/hosts, /etc/resolv.conf are the lab's)
// and its own hostname — what docs/networking.md shows, on the machine's kernel.
// Names cannot clash: lab and host names never contain a dot.

import { UNDERLAY_NODE } from '../../spec/names';

export const LOCAL_ROOT = '/run/podnet/local';
export const NETNS_DIR = '/run/netns';
/** The lab's underlay: a namespace holding one bridge (reserved host name). */
export const SWITCH = UNDERLAY_NODE;
export const SWITCH_BRIDGE = 'underlay';

export const netnsName = (lab: string, host: string) => `podnet.${lab}.${host}`;
export const netnsPrefix = (lab: string) => `podnet.${lab}.`;
export const labDir = (lab: string, root = LOCAL_ROOT) => `${root}/${lab}`;
export const labRecordFile = (lab: string, root = LOCAL_ROOT) => `${labDir(lab, root)}/lab.json`;
export const hostDir = (lab: string, host: string, root = LOCAL_ROOT) => `${labDir(lab, root)}/hosts/${host}`;

export interface HostNamespaces {
  net: string;
  mnt: string;
  uts: string;
}

export function hostNamespaces(lab: string, host: string, root = LOCAL_ROOT): HostNamespaces {
  const dir = hostDir(lab, host, root);
  return { net: `${NETNS_DIR}/${netnsName(lab, host)}`, mnt: `${dir}/mnt`, uts: `${dir}/uts` };
}

/** `nsenter` into a host: its network, mount and UTS namespaces. */
export function nsenterArgv(ns: HostNamespaces, argv: readonly string[]): string[] {
  return ['nsenter', `--net=${ns.net}`, `--mount=${ns.mnt}`, `--uts=${ns.uts}`, '--', ...argv];
}

/** The host's own files as the machine sees them (the upper layer of its /etc). */
export const hostEtcUpper = (lab: string, host: string, root = LOCAL_ROOT) => `${hostDir(lab, host, root)}/etc/upper`;
