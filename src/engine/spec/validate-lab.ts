// Cross-field checks of a normalized lab that need no address allocation:
// names, duplicates, mode/backend combinations, publishing targets.
import type { DriverRules } from './driver-traits';
import type { LabFile } from './lab-schema';
import type { LabSpec } from './lab-spec';
import { MAX_PODS_PER_LAB } from './limits';
import { RESERVED_HOST_NAMES } from './names';
import type { SpecOrigins } from './normalize-lab';
import type { FieldPath } from './field-path';
import type { SpecIssue } from './spec-issue';

function namePath(itemPath: FieldPath, isListItem: boolean): FieldPath {
  return isListItem ? [...itemPath, 'name'] : itemPath;
}

/** The longest name of a network interface. */
const IFNAME_MAX = 15;

/** A lab too large to build (checked before anything is allocated for it). */
export function labSizeIssue(spec: LabSpec, file: LabFile): SpecIssue | null {
  const pods = spec.hosts.reduce((n, h) => n + h.pods.length, 0);
  if (pods <= MAX_PODS_PER_LAB) return null;
  return { path: file.pods !== undefined ? ['pods'] : ['hosts'], message: `the lab has ${pods} pods; at most ${MAX_PODS_PER_LAB} fit in one lab`, hint: 'fewer hosts, or fewer pods per host' };
}

export function validateLab(spec: LabSpec, file: LabFile, origins: SpecOrigins, drivers: DriverRules): SpecIssue[] {
  const traits = drivers.traits(spec.driver);
  const issues: SpecIssue[] = [];
  const hostsAreList = Array.isArray(file.hosts);

  if (spec.hosts.length === 0) issues.push({ path: ['hosts'], message: 'the lab has no hosts', hint: 'add at least one host, e.g. `hosts: 2`' });

  const hostIndex = new Map<string, number>();
  spec.hosts.forEach((host, i) => {
    const path = namePath(origins.hosts[i]!, hostsAreList && typeof (file.hosts as unknown[])[i] === 'object');
    if (hostIndex.has(host.name)) {
      issues.push({ path, message: `duplicate host name "${host.name}"`, hint: 'every host needs its own name' });
    } else hostIndex.set(host.name, i);
    if ((RESERVED_HOST_NAMES as readonly string[]).includes(host.name)) {
      issues.push({ path, message: `"${host.name}" is reserved for the lab's own ${host.name} node`, hint: 'pick another host name' });
    }
    const podNames = new Set<string>();
    host.pods.forEach((pod, j) => {
      const podPath = origins.pods[i]![j]!;
      if (podNames.has(pod.name)) {
        issues.push({ path: podPath, message: `duplicate pod name "${pod.name}" on host ${host.name}`, hint: 'pod names must be unique on a host' });
      }
      podNames.add(pod.name);
    });
  });

  const net = spec.network;
  const written = file.network ?? {};
  if (net.mode === 'docker0') {
    if (written.backend && written.backend !== 'none') {
      issues.push({ path: ['network', 'backend'], message: `docker0 mode has no overlay backend (got ${written.backend})`, hint: 'use `mode: pod-cidr` for a flannel-style overlay, or remove `backend`' });
    }
    for (const key of ['leases', 'subnetLen', 'vxlan'] as const) {
      if (written[key] !== undefined) {
        issues.push({ path: ['network', key], atKey: true, message: `"${key}" only applies to pod-cidr mode`, hint: 'remove it, or set `mode: pod-cidr`' });
      }
    }
  } else if (written.vxlan !== undefined && net.backend !== 'vxlan') {
    issues.push({ path: ['network', 'vxlan'], atKey: true, message: `"vxlan" settings need \`backend: vxlan\` (backend is ${net.backend})` });
  }

  if (written.dockerRules !== undefined && net.mode !== 'docker0' && spec.publish.length === 0) {
    issues.push({ path: ['network', 'dockerRules'], atKey: true, message: '"dockerRules" applies to docker0 mode and to publish', hint: 'remove it, or set `mode: docker0`' });
  }

  for (const lease of Object.keys(net.leases)) {
    if (!hostIndex.has(lease)) {
      issues.push({ path: ['network', 'leases', lease], atKey: true, message: `lease for unknown host "${lease}"`, hint: `hosts are: ${[...hostIndex.keys()].join(', ')}` });
    }
  }

  const seenPorts = new Map<string, number>();
  spec.publish.forEach((p, k) => {
    const host = hostIndex.has(p.host) ? spec.hosts[hostIndex.get(p.host)!]! : null;
    if (!host) {
      issues.push({ path: ['publish', k, 'host'], message: `publish names unknown host "${p.host}"`, hint: `hosts are: ${[...hostIndex.keys()].join(', ')}` });
    } else if (!host.pods.some((pod) => pod.name === p.to)) {
      const elsewhere = spec.hosts.find((h) => h.pods.some((pod) => pod.name === p.to));
      issues.push({
        path: ['publish', k, 'to'],
        message: `host ${p.host} has no pod "${p.to}"`,
        hint: elsewhere ? `pod ${p.to} is on ${elsewhere.name}; publish it there` : `pods on ${p.host}: ${host.pods.map((x) => x.name).join(', ') || 'none'}`,
      });
    }
    const key = `${p.host}/${p.protocol}/${p.port}`;
    if (seenPorts.has(key)) {
      issues.push({ path: ['publish', k, 'port'], message: `${p.host} already publishes ${p.protocol} port ${p.port} (publish[${seenPorts.get(key)}])`, hint: 'pick another host port' });
    } else seenPorts.set(key, k);
  });

  if (traits.hostsAreMachines) {
    spec.hosts.forEach((h, i) => {
      if (!h.ssh) issues.push({ path: origins.hosts[i]!, message: `host ${h.name} has no \`ssh\` settings (driver: ${spec.driver})`, hint: 'add ssh: { address: …, user: … }' });
    });
    if (file.underlay?.subnet) issues.push({ path: ['underlay', 'subnet'], message: `the ${spec.driver} driver uses the machines' own network as the underlay`, hint: 'remove underlay.subnet' });
    if (spec.internet) issues.push({ path: ['internet'], message: `\`internet\` is not available with the ${spec.driver} driver`, hint: 'remove it; the machines have their own uplink' });
    const machines = new Map<string, string>();
    spec.hosts.forEach((h, i) => {
      if (!h.ssh) return;
      const key = `${h.ssh.address}:${h.ssh.port}`;
      const other = machines.get(key);
      if (other) issues.push({ path: [...origins.hosts[i]!, 'ssh', 'address'], message: `${h.name} and ${other} are the same machine (${key})`, hint: 'a machine holds one host of one lab at a time' });
      else machines.set(key, h.name);
    });
    // The VXLAN device is named as the driver names links: `<prefix>flannel.<VNI>` must fit an interface name.
    const device = traits.linkName('flannel.');
    const maxVni = 10 ** (IFNAME_MAX - device.length) - 1;
    if (net.backend === 'vxlan' && net.vxlan.vni > maxVni) {
      issues.push({ path: ['network', 'vxlan', 'vni'], message: `on real machines the VXLAN device is ${device}<VNI> (at most ${IFNAME_MAX} characters), so the VNI must be at most ${maxVni}` });
    }
  } else {
    spec.hosts.forEach((h, i) => {
      if (h.ssh) issues.push({ path: [...origins.hosts[i]!, 'ssh'], atKey: true, message: `\`ssh\` settings need \`driver: ${drivers.kindsWith('hostsAreMachines').join(' | ')}\` (driver is ${spec.driver})` });
    });
  }
  if (spec.engine !== null && !traits.remoteEngines) {
    issues.push({ path: ['engine'], atKey: true, message: `\`engine\` applies to the ${drivers.kindsWith('remoteEngines').join(' and ')} driver only` });
  }
  return issues;
}
