// Service IPs and NodePorts, handed out as a kubeadm cluster's apiserver
// would (docs/networking.md, "Cluster DNS and the pod's resolv.conf"):
// `kubernetes.default` takes the first address of the service CIDR, the DNS
// Service `kube-system/kube-dns` the tenth. Everything else is allocated
// deterministically — the same service gets the same address on every run —
// from the upper band of the range, as the apiserver prefers since KEP-3070
// (the lower band, min(max(16, size/16), 256) addresses, stays free for
// static IPs); NodePorts likewise from 30000–32767 above the static band of
// KEP-3668 (min(max(16, size/32), 128) ports).
//
// Pure: a request either gets its fixed value back (the caller validates it)
// or a free one; a range that is full yields null.
import { createHash } from 'node:crypto';
import { firstInt, fromInt, nth, size, toInt } from './cidr';

export const KUBERNETES_SERVICE_OFFSET = 1;
export const KUBE_DNS_SERVICE_OFFSET = 10;
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** `10.96.0.1` for 10.96.0.0/12: the apiserver's own Service. */
export const kubernetesServiceIp = (serviceCidr: string): string => nth(serviceCidr, KUBERNETES_SERVICE_OFFSET);

/** `10.96.0.10` for 10.96.0.0/12: kubeadm's `kube-system/kube-dns`. */
export const kubeDnsServiceIp = (serviceCidr: string): string => nth(serviceCidr, KUBE_DNS_SERVICE_OFFSET);

export interface AllocationRequest {
  /** Stable identity of the requester (`default/web`, `default/web:http/TCP`). */
  key: string;
  /** A value the lab file fixed (kept as it is; validating it is the caller's job). */
  fixed?: string | number | null;
}

/** A stable starting point in [0, span) for a key. */
function hashOffset(key: string, span: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % span;
}

/**
 * Picks values for the requests without a fixed one: each starts at its key's
 * hash in the preferred band [lo, hi] and probes upwards past taken values;
 * when that band is full, the rest of the range [min, lo) is tried the same
 * way (as the apiserver falls back to the static band). Requests are placed
 * in key order, so the result does not depend on the order of the lab file.
 */
function allocateInRange(requests: readonly AllocationRequest[], bands: readonly (readonly [number, number])[], taken: Set<number>, toNumber: (v: string | number) => number): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const r of requests) if (r.fixed !== undefined && r.fixed !== null) taken.add(toNumber(r.fixed));
  const dynamic = requests.filter((r) => r.fixed === undefined || r.fixed === null).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const r of dynamic) {
    let picked: number | null = null;
    for (const [lo, hi] of bands) {
      const span = hi - lo + 1;
      if (span <= 0) continue;
      const start = hashOffset(r.key, span);
      for (let i = 0; i < span && picked === null; i++) {
        const candidate = lo + ((start + i) % span);
        if (!taken.has(candidate)) picked = candidate;
      }
      if (picked !== null) break;
    }
    if (picked !== null) taken.add(picked);
    out.set(r.key, picked);
  }
  for (const r of requests) if (r.fixed !== undefined && r.fixed !== null) out.set(r.key, toNumber(r.fixed));
  return out;
}

/** The first offset of a range's dynamic band (KEP-3070 / KEP-3668). */
export const dynamicBandStart = (rangeSize: number, divisor: number, max: number): number => Math.min(Math.max(16, Math.floor(rangeSize / divisor)), max);

/**
 * ClusterIPs for `requests` in `serviceCidr`, avoiding `reserved` addresses
 * (kubernetes.default, kube-dns), the network and the broadcast address.
 * A request's value is null when the range has no free address left.
 */
export function allocateServiceIps(serviceCidr: string, requests: readonly AllocationRequest[], reserved: readonly string[] = []): Map<string, string | null> {
  const count = size(serviceCidr);
  const base = firstInt(serviceCidr);
  const toOffset = (v: string | number) => (typeof v === 'number' ? v : toInt(v) - base);
  const taken = new Set<number>([0, count - 1, ...reserved.map((ip) => toOffset(ip))]);
  const lo = dynamicBandStart(count, 16, 256);
  const offsets = allocateInRange(requests, [[lo, count - 2], [1, Math.min(lo, count - 1) - 1]], taken, toOffset);
  const out = new Map<string, string | null>();
  for (const [key, off] of offsets) out.set(key, off === null ? null : fromInt(base + off));
  return out;
}

/** NodePorts in 30000–32767 for the requests without a fixed one, above the static band. */
export function allocateNodePorts(requests: readonly AllocationRequest[]): Map<string, number | null> {
  const { min, max } = NODE_PORT_RANGE;
  const lo = min + dynamicBandStart(max - min + 1, 32, 128);
  return allocateInRange(requests, [[lo, max], [min, lo - 1]], new Set(), (v) => Number(v));
}
