import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/engine/ipam/allocate';
import { vethName, vtepMac } from '../../src/engine/ipam/identifiers';
import { pickUnderlaySubnet } from '../../src/engine/ipam/underlay-pool';
import { cidrProblem, overlaps, subnets } from '../../src/engine/ipam/cidr';
import { parseLab } from '../../src/engine/spec/parse-lab';
import { allocatedLab } from '../helpers/allocated-lab';
import { labYaml } from '../helpers/lab-text';

describe('cidr math', () => {
  it('finds host bits and proposes the network', () => {
    expect(cidrProblem('10.2.3.4/16')).toMatchObject({ hint: 'use 10.2.0.0/16' });
    expect(cidrProblem('10.2.0.0/16')).toBeNull();
    expect(cidrProblem('10.2.0.0')).toMatchObject({ message: expect.stringMatching(/not a CIDR/) });
  });
  it('lists subnets and detects overlap', () => {
    expect([...subnets('10.2.0.0/22', 24)]).toEqual(['10.2.0.0/24', '10.2.1.0/24', '10.2.2.0/24', '10.2.3.0/24']);
    expect(overlaps('10.2.0.0/16', '10.2.3.0/24')).toBe(true);
    expect(overlaps('10.2.0.0/16', '10.3.0.0/16')).toBe(false);
  });
});

describe('allocation', () => {
  it('hands out flannel-style leases from the second subnet, after the fixed ones', () => {
    const { allocation } = allocatedLab(labYaml(['name: t', 'hosts: 3', 'network:', '  cidr: 10.2.0.0/16', '  leases: { host2: 10.2.1.0/24 }']));
    expect(allocation.hosts.map((h) => h.lease)).toEqual(['10.2.2.0/24', '10.2.1.0/24', '10.2.3.0/24']);
  });

  it('gives hosts .11, .12 … of the underlay, around fixed addresses, and the internet node the last usable one', () => {
    const { allocation } = allocatedLab(
      labYaml(['name: t', 'underlay: { subnet: 192.168.56.0/24 }', 'hosts:', '  - host1', '  - { name: host2, address: 192.168.56.11 }', '  - host3', 'internet: true']),
    );
    expect(allocation.hosts.map((h) => h.underlayIp)).toEqual(['192.168.56.12', '192.168.56.11', '192.168.56.13']);
    expect(allocation.internet).toEqual({ underlayIp: '192.168.56.254', address: '203.0.113.10', net: '203.0.113.0/24' });
  });

  it('puts the bridge on .1 and pods from .2, skipping fixed pod addresses', () => {
    const { allocation } = allocatedLab(labYaml(['name: t', 'hosts:', '  - name: host1', '    pods: [a, { name: b, ip: 10.244.1.2 }, c]']));
    const h = allocation.hosts[0]!;
    expect(h.bridge).toMatchObject({ name: 'cni0', ip: '10.244.1.1', prefixLen: 24, mtu: 1450 });
    expect(h.pods.map((p) => [p.name, p.ip])).toEqual([
      ['a', '10.244.1.3'],
      ['b', '10.244.1.2'],
      ['c', '10.244.1.4'],
    ]);
  });

  it('uses 172.17.0.0/16 on every host in docker0 mode, with 7-hex veth names', () => {
    const { allocation } = allocatedLab(labYaml(['name: t', 'hosts:', '  - { name: host1, pods: [c1] }', '  - { name: host2, pods: [c1] }', 'network: { mode: docker0 }']));
    for (const h of allocation.hosts) {
      expect(h.bridge).toMatchObject({ name: 'docker0', ip: '172.17.0.1', prefixLen: 16, mtu: 1500 });
      expect(h.pods[0]).toMatchObject({ ip: '172.17.0.2', gateway: '172.17.0.1' });
      expect(h.pods[0]!.vethHost).toMatch(/^veth[0-9a-f]{7}$/);
    }
    expect(allocation.flannel).toBeNull();
  });

  it('sets the vxlan MTU to the underlay MTU minus 50, and host-gw keeps it', () => {
    const vx = allocatedLab(labYaml(['name: t', 'hosts: 2', 'underlay: { mtu: 9000 }', 'network: { backend: vxlan }'])).allocation;
    expect(vx.flannel).toMatchObject({ mtu: 8950, device: 'flannel.1', vni: 1, port: 8472 });
    const gw = allocatedLab(labYaml(['name: t', 'hosts: 2', 'network: { backend: host-gw }'])).allocation;
    expect(gw.flannel).toMatchObject({ mtu: 1500, backend: 'host-gw' });
    expect(gw.hosts[0]!.vtepMac).toBeNull();
  });

  it('reports what it cannot allocate as issues', () => {
    const parsed = parseLab(labYaml(['name: t', 'hosts: 2']));
    const { issues } = allocate({ ...parsed.spec, network: { ...parsed.spec.network, cidr: '10.2.0.0/24', subnetLen: 25 } }, { underlaySubnet: '198.18.0.0/24' });
    expect(issues.map((i) => i.message)).toEqual([expect.stringMatching(/no \/25 left for host host2/)]);
  });
});

describe('identifiers', () => {
  it('derives stable, distinct veth names and locally administered unicast VTEP MACs', () => {
    expect(vethName('lab', 'host1', 'a', 8)).toBe(vethName('lab', 'host1', 'a', 8));
    expect(vethName('lab', 'host1', 'a', 8)).not.toBe(vethName('lab', 'host2', 'a', 8));
    const mac = vtepMac('lab', 'host1');
    expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const first = parseInt(mac.slice(0, 2), 16);
    expect(first & 0b10).toBe(0b10); // locally administered
    expect(first & 0b01).toBe(0); // unicast
  });

  it('picks the first free /24 of 198.18.0.0/15 for the underlay', () => {
    expect(pickUnderlaySubnet([])).toBe('198.18.0.0/24');
    expect(pickUnderlaySubnet(['198.18.0.0/24', '198.18.1.0/25', '172.17.0.0/16'])).toBe('198.18.2.0/24');
  });
});
