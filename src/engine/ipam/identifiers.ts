// Deterministic names and MACs, derived from the lab's identity so that the
// whole plan can be computed up front (peers are programmed without reading
// anything back from a host).
import { createHash } from 'node:crypto';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** `veth` + hex chars: Docker uses 7, the CNI bridge plugin 8. `salt` resolves collisions. */
export function vethName(lab: string, host: string, pod: string, hexChars: 7 | 8, salt = 0): string {
  return 'veth' + digest(`${lab}/${host}/${pod}/${salt}`).toString('hex').slice(0, hexChars);
}

/** A locally administered unicast MAC for a host's VTEP (flannel.N). */
export function vtepMac(lab: string, host: string): string {
  const b = digest(`${lab}/${host}/vtep`).subarray(0, 6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * A host's underlay NIC address, fixed by its underlay IP (as Docker's classic
 * 02:42:<ip> container MACs): a host started afresh (`podnet repair`) comes back
 * with the MAC its peers' neighbour entries already hold — as a rebooted machine
 * keeps its NIC's address.
 */
export function underlayMac(ip: string): string {
  return ['02', '42', ...ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
}

/** A container ID as a runtime would give it (64 hex), for CNI's per-container files. */
export function containerId(lab: string, host: string, pod: string): string {
  return digest(`${lab}/${host}/${pod}/container`).toString('hex');
}
