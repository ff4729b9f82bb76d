import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assessHostCheck, hostCheckScript, type CheckNeeds } from '../../src/engine/drivers/ssh/host-check';
import type { SshTarget } from '../../src/engine/drivers/ssh/ssh-target';

const target: SshTarget = { host: 'vm1', address: '192.0.2.11', port: 22, user: 'root', identityFile: null, iface: null };
const needs: CheckNeeds = { vxlan: { vni: 1, port: 8472 }, responder: true, links: ['pn-cni0', 'pn-flannel.1'], subnets: ['10.2.0.0/16'] };

const link = (ifname: string, addr: string | null, extra: Record<string, unknown> = {}) => ({
  ifindex: 2,
  ifname,
  mtu: 1500,
  flags: ['UP'],
  addr_info: addr ? [{ family: 'inet', local: addr, prefixlen: 24 }] : [],
  ...extra,
});

/** What the check script prints on a machine (sections as the real script writes them). */
function output(o: { missing?: string[]; links?: unknown[]; routes?: unknown[]; manifest?: string; listen?: string[] }): string {
  return [
    '\x1esection missing',
    ...(o.missing ?? []),
    '\x1esection ip',
    JSON.stringify(o.links ?? [link('lo', '127.0.0.1', { link_type: 'loopback' }), link('eth0', '192.0.2.11'), link('eth1', '198.51.100.11')]),
    JSON.stringify(o.routes ?? [{ dst: 'default', gateway: '198.51.100.1', dev: 'eth1' }]),
    '\x1esection listen',
    ...(o.listen ?? []),
    '\x1esection lab',
    o.manifest ?? '',
  ].join('\n');
}

describe('checking a machine before building on it', () => {
  it('refuses to publish a port the machine listens on — above all the SSH port it is reached through', () => {
    // As `ss -Hlntup` prints them on Debian 12.
    const listen = [
      'udp   UNCONN 0      0          127.0.0.53%lo:53         0.0.0.0:*    users:(("systemd-resolve",pid=411,fd=13))',
      'tcp   LISTEN 0      128              0.0.0.0:22         0.0.0.0:*    users:(("sshd",pid=612,fd=3))',
      'tcp   LISTEN 0      128                 [::]:22            [::]:*    users:(("sshd",pid=612,fd=4))',
      'tcp   LISTEN 0      511                    *:8080             *:*    users:(("nginx",pid=700,fd=6))',
    ];
    const published = [
      { host: 'vm1', port: 22, protocol: 'tcp' as const, to: 'b' },
      { host: 'vm1', port: 8080, protocol: 'tcp' as const, to: 'b' },
      { host: 'vm1', port: 8080, protocol: 'udp' as const, to: 'b' },
      { host: 'vm1', port: 53, protocol: 'udp' as const, to: 'b' },
      { host: 'vm2', port: 22, protocol: 'tcp' as const, to: 'a' },
    ];
    const c = assessHostCheck(output({ listen }), target, { ...needs, published }, 'lab', null);
    expect(c.problems).toEqual([
      'it already listens on tcp port 22 (sshd, the SSH server Podnet logs in through): publishing it would send every new connection to that port — SSH logins too, `podnet down` included — to pod b; publish another port',
      'it already listens on tcp port 8080 (nginx): publishing it would send every new connection to that port to pod b; publish another port',
      'it already listens on udp port 53 (systemd-resolve): publishing it would send every new connection to that port to pod b; publish another port',
    ]);
    // The SSH port Podnet connects to is refused even when ss does not show it (sshd in another namespace, a port forward).
    const viaForward = assessHostCheck(output({ listen: [] }), { ...target, port: 2222 }, { ...needs, published: [{ host: 'vm1', port: 2222, protocol: 'tcp', to: 'b' }] }, 'lab', null);
    expect(viaForward.problems).toEqual([expect.stringMatching(/^it already listens on tcp port 2222 \(sshd, the SSH server Podnet logs in through\)/)]);
  });

  it('is a valid shell script that only needs the vxlan probe for vxlan labs', () => {
    for (const n of [needs, { ...needs, vxlan: null, responder: false }]) expect(spawnSync('sh', ['-n'], { input: hostCheckScript(n, '/run/podnet/lab') }).status).toBe(0);
    expect(hostCheckScript({ ...needs, vxlan: null }, '/run/podnet/lab')).not.toContain('type vxlan');
    expect(hostCheckScript({ ...needs, responder: false }, '/run/podnet/lab')).not.toContain('socat');
  });

  it('says exactly what is missing, with the package to install', () => {
    const c = assessHostCheck(output({ missing: ['command iptables', 'command iptables-restore', 'command socat', 'vxlan', 'netns'] }), target, needs, 'lab', null);
    expect(c.problems).toEqual([
      'missing iptables, iptables-restore, socat (install: iptables socat)',
      '`ip netns` does not work (network namespaces need kernel support and a writable /run)',
      'cannot create a VXLAN device (the vxlan kernel module: modprobe vxlan)',
    ]);
  });

  it('finds the underlay: the given iface, else the default route\'s, else where the SSH address is', () => {
    expect(assessHostCheck(output({}), { ...target, iface: 'eth0' }, needs, 'lab', null).underlay).toEqual({ ip: '192.0.2.11', dev: 'eth0' });
    expect(assessHostCheck(output({}), target, needs, 'lab', null).underlay).toEqual({ ip: '198.51.100.11', dev: 'eth1' });
    expect(assessHostCheck(output({ routes: [] }), target, needs, 'lab', '192.0.2.11').underlay).toEqual({ ip: '192.0.2.11', dev: 'eth0' });
    expect(assessHostCheck(output({}), { ...target, iface: 'ens9' }, needs, 'lab', null).problems[0]).toMatch(/no interface ens9 .*it has eth0, eth1/);
    expect(assessHostCheck(output({ routes: [] }), target, needs, 'lab', null).problems[0]).toMatch(/set hosts\[\]\.ssh\.iface/);
    const odd = output({ links: [link('eth0;reboot', '192.0.2.11')], routes: [{ dst: 'default', dev: 'eth0;reboot' }] });
    expect(assessHostCheck(odd, target, needs, 'lab', null)).toMatchObject({ underlay: null, problems: [expect.stringMatching(/cannot be used as the underlay/)] });
  });

  it('refuses to clash with the machine\'s own flannel, routes, or another lab', () => {
    const flannel = link('flannel.1', null, { linkinfo: { info_kind: 'vxlan', info_data: { id: 1, port: 8472 } } });
    const c = assessHostCheck(
      output({ links: [link('eth0', '192.0.2.11'), flannel, link('pn-cni0', null)], routes: [{ dst: 'default', dev: 'eth0' }, { dst: '10.2.0.0/16', dev: 'flannel.1' }] }),
      target,
      needs,
      'lab',
      null,
    );
    expect(c.problems).toEqual([
      'it already has an interface pn-cni0',
      "it already has a VXLAN device with VNI 1 on UDP port 8472 (flannel.1, perhaps the machine's own flannel): set another in the lab file, network.vxlan: { vni: …, port: … }",
      "its route 10.2.0.0/16 dev flannel.1 overlaps the lab's 10.2.0.0/16: pick another network.cidr in the lab file",
    ]);
    const other = assessHostCheck(output({ manifest: '{"lab": "other", "host": "vm1"}' }), target, needs, 'lab', null);
    expect(other.problems).toEqual(['it already holds lab other (one lab per machine): remove it first with podnet down other']);
    // Its own earlier run is no clash: it is removed first.
    const stale = assessHostCheck(output({ links: [link('eth0', '192.0.2.11'), link('pn-cni0', null)], manifest: '{"lab": "lab"}' }), target, needs, 'lab', '192.0.2.11');
    expect(stale).toMatchObject({ problems: [], labThere: 'lab' });
  });

  it('a lab of the same name that another user built there is theirs: refused, unless --force replaces it', () => {
    const theirs = output({ manifest: '{"lab": "lab", "owner": "ana@laptop", "host": "vm1"}' });
    expect(assessHostCheck(theirs, target, needs, 'lab', null, { me: 'bo@desk' })).toMatchObject({
      problems: ['it holds lab lab of ana@laptop, not yours: pick another lab name, or replace theirs with podnet up --force'],
      ownerThere: 'ana@laptop',
    });
    expect(assessHostCheck(theirs, target, needs, 'lab', null, { me: 'bo@desk', force: true }).problems).toEqual([]);
    expect(assessHostCheck(theirs, target, needs, 'lab', null, { me: 'ana@laptop' }).problems).toEqual([]);
  });
});
