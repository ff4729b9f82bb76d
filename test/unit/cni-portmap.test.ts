import { describe, expect, it } from 'vitest';
import { cniPortmap, dnatChainName, podContainerId } from '../../src/engine/plan/cni-portmap';
import { tableBlock } from '../helpers/kube-cluster';

const ID = '3f1c2d4e5a6b7c8d9e0f11223344556677889900aabbccddeeff001122334455';

// docs/networking.md, "hostPort: the CNI portmap plugin" [verified]: net cbr0,
// pod 10.244.1.5/24, hostPort 8080 → 80/TCP.
const DOCUMENTED = `-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
-A CNI-DN-21c5021d26d3f8df27188 -s 10.244.1.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK
-A CNI-DN-21c5021d26d3f8df27188 -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK
-A CNI-DN-21c5021d26d3f8df27188 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.244.1.5:80
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"cbr0\\" id: \\"${ID}\\"" -m multiport --dports 8080 -j CNI-DN-21c5021d26d3f8df27188
-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
`;

const rules = (saved: string) =>
  tableBlock(saved, 'nat')
    .split('\n')
    .filter((l) => l.startsWith('-A '))
    .join('\n') + '\n';

describe('CNI portmap (hostPort)', () => {
  it('prints the documented chains for one pod, line for line', () => {
    const pm = cniPortmap([{ ip: '10.244.1.5', prefixLen: 24, containerId: ID, mappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] }], { hostInterface: 'cni0' });
    expect(rules(pm.saved)).toBe(DOCUMENTED);
    expect(tableBlock(pm.saved, 'nat')).toContain(':CNI-DN-21c5021d26d3f8df27188 - [0:0]\n:CNI-HOSTPORT-DNAT - [0:0]\n:CNI-HOSTPORT-MASQ - [0:0]\n:CNI-HOSTPORT-SETMARK - [0:0]\n');
    expect(pm.sysctls).toEqual([{ key: 'net.ipv4.conf.cni0.route_localnet', value: '1' }]);
  });

  it('inserts the MASQ jump first in POSTROUTING and appends the DNAT jumps', () => {
    const pm = cniPortmap([{ ip: '10.244.1.5', prefixLen: 24, containerId: ID, mappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] }], { hostInterface: 'cni0' });
    expect(pm.restore).toContain('-I POSTROUTING 1 -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ\n');
    expect(pm.restore).toContain('-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT\n');
  });

  it('groups ports per protocol (sorted) in multiport rules of at most 15, adds -d for a hostIP', () => {
    const mappings = [
      ...Array.from({ length: 16 }, (_, i) => ({ hostPort: 9000 + i, containerPort: 80, protocol: 'tcp' as const })),
      { hostPort: 5353, containerPort: 53, protocol: 'udp' as const, hostIP: '192.168.56.12' },
    ];
    const pm = cniPortmap([{ ip: '10.244.2.3', prefixLen: 24, containerId: ID, mappings }], { hostInterface: 'cni0' });
    const top = rules(pm.saved)
      .split('\n')
      .filter((l) => l.startsWith('-A CNI-HOSTPORT-DNAT'));
    expect(top.map((l) => l.match(/--dports (\S+)/)![1])).toEqual([Array.from({ length: 15 }, (_, i) => 9000 + i).join(','), '9015', '5353']);
    expect(top[2]).toMatch(/^-A CNI-HOSTPORT-DNAT -p udp /);
    expect(pm.saved).toContain('-s 10.244.2.0/24 -d 192.168.56.12/32 -p udp -m udp --dport 5353 -j CNI-HOSTPORT-SETMARK\n');
    expect(pm.saved).toContain('-d 192.168.56.12/32 -p udp -m udp --dport 5353 -j DNAT --to-destination 10.244.2.3:53\n');
  });

  it('writes nothing for pods without hostPorts', () => {
    expect(cniPortmap([{ ip: '10.244.1.5', prefixLen: 24, containerId: ID, mappings: [] }], { hostInterface: 'cni0' })).toMatchObject({ restore: '', sysctls: [] });
  });

  it('container IDs are 64 hex characters, stable per lab/node/namespace/pod', () => {
    const id = podContainerId('services', 'node2', 'shop', 'api-1');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(podContainerId('services', 'node2', 'shop', 'api-1')).toBe(id);
    expect(podContainerId('services', 'node2', 'default', 'api-1')).not.toBe(id);
  });

  it('a host prefix keeps chain names within 28 characters', () => {
    const name = dnatChainName('cbr0', ID, { link: (b) => b, chain: (b) => `PN-${b}` });
    expect(name).toBe('PN-CNI-DN-21c5021d26d3f8df27');
    expect(name).toHaveLength(28);
  });
});
