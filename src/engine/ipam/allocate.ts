// IPAM: LabSpec → Allocation. Pure and deterministic; every problem is
// reported as a SpecIssue pointing at the field that caused it.
import type { LabSpec } from '../spec/lab-spec';
import { DEFAULTS } from '../spec/lab-spec';
import type { SpecOrigins } from '../spec/normalize-lab';
import type { FieldPath } from '../spec/field-path';
import type { SpecIssue } from '../spec/spec-issue';
import type { Allocation, FlannelAllocation, HostAllocation, PodAllocation } from './allocation';
import { contains, firstInt, fromInt, isIpv4, lastInt, nth, overlaps, prefixLen, size, subnets, toInt, usableHosts } from './cidr';
import { vethName, vtepMac } from './identifiers';

export interface AllocateOptions {
  /** The underlay subnet to use (the lab's own, or one picked for it). Null for the ssh driver. */
  underlaySubnet: string | null;
  /** Underlay addresses found on real machines (ssh driver), by host. */
  discovered?: ReadonlyMap<string, DiscoveredUnderlay>;
  /** Names of the links the lab creates on a host (real machines prefix them; default: as they are). */
  linkName?: (base: string) => string;
  /** Where each host and pod came from in the lab file (for issue paths). */
  origins?: SpecOrigins;
}

export interface DiscoveredUnderlay {
  ip: string;
  dev: string;
}

export interface AllocateResult {
  allocation: Allocation;
  issues: SpecIssue[];
}

const FIRST_HOST_OFFSET = 11; // host1 → .11, host2 → .12 …

export function allocate(spec: LabSpec, opts: AllocateOptions): AllocateResult {
  const issues: SpecIssue[] = [];
  const hostPath = (i: number): FieldPath => opts.origins?.hosts[i] ?? ['hosts', i];
  const podPath = (i: number, j: number): FieldPath => opts.origins?.pods[i]?.[j] ?? [...hostPath(i), 'pods', j];
  const net = spec.network;
  const linkName = opts.linkName ?? ((base: string) => base);

  // --- underlay -----------------------------------------------------------
  const underlay = opts.underlaySubnet;
  let internet: Allocation['internet'] = null;
  const underlayIps = new Map<string, string>();
  if (underlay) {
    const subnetPath: FieldPath = spec.underlay.subnet ? ['underlay', 'subnet'] : ['underlay'];
    if (prefixLen(underlay) > 29) issues.push({ path: subnetPath, message: `the underlay ${underlay} is too small`, hint: 'use a /24 or larger' });
    if (overlaps(underlay, net.cidr)) {
      issues.push({
        path: subnetPath,
        message: `the underlay ${underlay} overlaps the ${net.mode === 'docker0' ? 'docker0 bridge subnet' : 'cluster CIDR'} ${net.cidr}`,
        hint: 'pick an underlay subnet outside it',
      });
    }
    if (spec.internet && overlaps(underlay, DEFAULTS.internetNet)) {
      issues.push({ path: subnetPath, message: `the underlay ${underlay} overlaps the lab internet ${DEFAULTS.internetNet}`, hint: 'pick another underlay subnet' });
    }
    const count = size(underlay);
    const reserved = new Set([nth(underlay, 0), nth(underlay, count - 1)]);
    if (spec.internet) {
      const ip = nth(underlay, count - 2);
      reserved.add(ip);
      internet = { underlayIp: ip, address: DEFAULTS.internetAddress, net: DEFAULTS.internetNet };
    }
    const taken = new Set<string>();
    spec.hosts.forEach((h, i) => {
      if (!h.address) return;
      const path = [...hostPath(i), 'address'];
      if (!contains(underlay, h.address)) {
        issues.push({ path, message: `${h.address} is outside the underlay ${underlay}`, hint: `use an address from ${nth(underlay, 2)} to ${nth(underlay, count - 3)}` });
      } else if (reserved.has(h.address)) {
        issues.push({ path, message: `${h.address} is reserved in the underlay (network, broadcast or internet node address)`, hint: 'pick another address' });
      } else if (taken.has(h.address)) {
        issues.push({ path, message: `${h.address} is given to two hosts`, hint: 'every host needs its own address' });
      }
      taken.add(h.address);
      underlayIps.set(h.name, h.address);
    });
    const offsets = [...range(FIRST_HOST_OFFSET, count - 1), ...range(2, Math.min(FIRST_HOST_OFFSET, count - 1))];
    let cursor = 0;
    for (const [i, h] of spec.hosts.entries()) {
      if (h.address) continue;
      let ip: string | null = null;
      while (cursor < offsets.length && ip === null) {
        const candidate = nth(underlay, offsets[cursor++]!);
        if (!reserved.has(candidate) && !taken.has(candidate)) ip = candidate;
      }
      if (ip === null) {
        issues.push({ path: hostPath(i), message: `no underlay address left for host ${h.name} in ${underlay}`, hint: 'use a larger underlay.subnet' });
        ip = '0.0.0.0';
      }
      taken.add(ip);
      underlayIps.set(h.name, ip);
    }
  } else {
    // Real machines: the address found on the machine; before connecting (a dry run), the SSH address when it is one.
    for (const h of spec.hosts) {
      const found = opts.discovered?.get(h.name);
      underlayIps.set(h.name, found?.ip ?? (h.ssh && isIpv4(h.ssh.address) ? h.ssh.address : '0.0.0.0'));
    }
    const owner = new Map<string, string>();
    spec.hosts.forEach((h, i) => {
      const ip = underlayIps.get(h.name)!;
      if (ip === '0.0.0.0') return;
      if (owner.has(ip)) issues.push({ path: hostPath(i), message: `${h.name} and ${owner.get(ip)} have the same underlay address ${ip}`, hint: 'every host must be its own machine' });
      else owner.set(ip, h.name);
      if (overlaps(`${ip}/32`, net.cidr)) issues.push({ path: hostPath(i), message: `${h.name}'s underlay address ${ip} is inside the ${net.mode === 'docker0' ? 'docker0 bridge subnet' : 'cluster CIDR'} ${net.cidr}`, hint: 'pick a network.cidr that does not contain the machines\' addresses' });
    });
  }

  // --- pod networks -------------------------------------------------------
  const flannel: FlannelAllocation | null =
    net.mode === 'pod-cidr'
      ? {
          network: net.cidr,
          subnetLen: net.subnetLen,
          backend: net.backend,
          mtu: net.backend === 'vxlan' ? spec.underlay.mtu - 50 : spec.underlay.mtu,
          vni: net.vxlan.vni,
          port: net.vxlan.port,
          device: linkName(`flannel.${net.vxlan.vni}`),
          ipMasq: net.masquerade,
        }
      : null;
  const podMtu = flannel?.mtu ?? spec.underlay.mtu;

  const hostSubnets = net.mode === 'docker0' ? spec.hosts.map(() => net.cidr) : allocateLeases(spec, issues);
  if (net.mode === 'pod-cidr' && spec.internet && overlaps(net.cidr, DEFAULTS.internetNet)) {
    issues.push({ path: ['network', 'cidr'], message: `the cluster CIDR ${net.cidr} overlaps the lab internet ${DEFAULTS.internetNet}`, hint: 'pick another cluster CIDR' });
  }

  const hosts: HostAllocation[] = spec.hosts.map((h, i) => {
    const subnet = hostSubnets[i] ?? null;
    const bridgeName = linkName(net.mode === 'docker0' ? 'docker0' : 'cni0');
    const pods = subnet ? allocatePods(spec, i, subnet, podMtu, issues, (j) => podPath(i, j)) : [];
    return {
      name: h.name,
      underlayIp: underlayIps.get(h.name)!,
      underlayDev: opts.discovered?.get(h.name)?.dev ?? h.ssh?.iface ?? 'eth0',
      bridge: { name: bridgeName, ip: subnet ? nth(subnet, 1) : '0.0.0.0', prefixLen: subnet ? prefixLen(subnet) : 0, subnet: subnet ?? '0.0.0.0/0', mtu: podMtu },
      lease: net.mode === 'pod-cidr' ? subnet : null,
      vtepMac: flannel?.backend === 'vxlan' ? vtepMac(spec.name, h.name) : null,
      pods,
    };
  });

  return {
    allocation: { lab: spec.name, underlay: { subnet: underlay, mtu: spec.underlay.mtu }, internet, hosts, flannel },
    issues,
  };
}

function* rangeGen(from: number, to: number): Generator<number> {
  for (let n = from; n < to; n++) yield n;
}
function range(from: number, to: number): number[] {
  return [...rangeGen(from, to)];
}

/** Flannel-style leases: fixed ones first, then the free subnets in order from the second one (flannel's SubnetMin). */
function allocateLeases(spec: LabSpec, issues: SpecIssue[]): (string | null)[] {
  const net = spec.network;
  const clusterLen = prefixLen(net.cidr);
  if (net.subnetLen <= clusterLen) {
    issues.push({ path: ['network', 'subnetLen'], message: `subnetLen ${net.subnetLen} must be longer than the cluster CIDR's /${clusterLen}`, hint: `e.g. subnetLen: ${Math.min(30, clusterLen + 8)}` });
    return spec.hosts.map(() => null);
  }
  const fixed = new Map<string, string>();
  for (const [host, lease] of Object.entries(net.leases)) {
    const path: FieldPath = ['network', 'leases', host];
    if (!spec.hosts.some((h) => h.name === host)) continue; // reported by validateLab
    if (prefixLen(lease) !== net.subnetLen) {
      issues.push({ path, message: `lease ${lease} is a /${prefixLen(lease)}, but subnetLen is ${net.subnetLen}`, hint: `use a /${net.subnetLen} inside ${net.cidr}` });
    } else if (!contains(net.cidr, lease)) {
      issues.push({ path, message: `lease ${lease} is outside the cluster CIDR ${net.cidr}`, hint: `use a /${net.subnetLen} inside ${net.cidr}` });
    } else {
      const clash = [...fixed.entries()].find(([, other]) => overlaps(other, lease));
      if (clash) issues.push({ path, message: `lease ${lease} overlaps the lease of ${clash[0]} (${clash[1]})`, hint: 'every host needs its own subnet' });
    }
    fixed.set(host, lease);
  }
  const used = [...fixed.values()];
  const free = subnets(net.cidr, net.subnetLen);
  free.next(); // flannel's SubnetMin: the first subnet is not handed out
  return spec.hosts.map((h, i) => {
    const own = fixed.get(h.name);
    if (own) return own;
    for (let r = free.next(); !r.done; r = free.next()) {
      if (!used.some((u) => overlaps(u, r.value))) {
        used.push(r.value);
        return r.value;
      }
    }
    issues.push({ path: ['network', 'cidr'], message: `the cluster CIDR ${net.cidr} has no /${net.subnetLen} left for host ${spec.hosts[i]!.name}`, hint: 'use a larger cluster CIDR or a longer subnetLen' });
    return null;
  });
}

function allocatePods(spec: LabSpec, hostIndex: number, subnet: string, mtu: number, issues: SpecIssue[], podPath: (j: number) => FieldPath): PodAllocation[] {
  const host = spec.hosts[hostIndex]!;
  const bridgeIp = nth(subnet, 1);
  const broadcast = fromInt(lastInt(subnet));
  const len = prefixLen(subnet);
  const capacity = usableHosts(subnet) - 1;
  const what = spec.network.mode === 'docker0' ? 'the docker0 subnet' : `${host.name}'s lease`;
  if (host.pods.length > capacity) {
    issues.push({ path: podPath(host.pods.length - 1), message: `${host.name} has ${host.pods.length} pods, but ${what} ${subnet} holds ${capacity}`, hint: 'use fewer pods or a shorter subnetLen' });
    return [];
  }
  const taken = new Set<string>();
  host.pods.forEach((p, j) => {
    if (!p.ip) return;
    const path = [...podPath(j), 'ip'];
    if (!contains(subnet, p.ip)) {
      issues.push({ path, message: `${p.ip} is outside ${what} ${subnet}`, hint: `use an address from ${nth(subnet, 2)} to ${fromInt(lastInt(subnet) - 1)}` });
    } else if (p.ip === bridgeIp || p.ip === broadcast || toInt(p.ip) === firstInt(subnet)) {
      issues.push({ path, message: `${p.ip} is the ${p.ip === bridgeIp ? 'bridge' : p.ip === broadcast ? 'broadcast' : 'network'} address of ${subnet}`, hint: `pod addresses start at ${nth(subnet, 2)}` });
    } else if (taken.has(p.ip)) {
      issues.push({ path, message: `${p.ip} is given to two pods on ${host.name}`, hint: 'every pod needs its own address' });
    }
    taken.add(p.ip);
  });
  let next = firstInt(subnet) + 2;
  const usedVeths = new Set<string>();
  return host.pods.map((p) => {
    let ip = p.ip;
    if (!ip) {
      while (taken.has(fromInt(next))) next++;
      ip = fromInt(next++);
      taken.add(ip);
    }
    const hexChars = spec.network.mode === 'docker0' ? 7 : 8;
    let veth = vethName(spec.name, host.name, p.name, hexChars);
    for (let salt = 1; usedVeths.has(veth); salt++) veth = vethName(spec.name, host.name, p.name, hexChars, salt);
    usedVeths.add(veth);
    return { name: p.name, ip, prefixLen: len, gateway: bridgeIp, vethHost: veth, mtu, serve: p.serve };
  });
}
