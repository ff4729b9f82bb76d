import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labManifest } from '../../src/engine/drivers/ssh/lab-manifest';
import { SSH_PLAN_CONTEXT } from '../../src/engine/drivers/ssh/ssh-plan-context';
import { parseSshEngine } from '../../src/engine/drivers/ssh/ssh-docker';
import { asRoot } from '../../src/engine/drivers/ssh/ssh-target';
import { recordBeforeScript, teardownScript } from '../../src/engine/drivers/ssh/teardown-script';
import { plannedLab } from '../helpers/allocated-lab';
import { parseLab } from '../../src/engine/spec/parse-lab';
import { labYaml } from '../helpers/lab-text';

const sshHosts = (n: number, extra: string[] = []) =>
  Array.from({ length: n }, (_, i) => [`  - name: vm${i + 1}`, `    ssh: { address: 192.0.2.${11 + i}, user: ubuntu }`, '    pods: [a]', ...extra]).flat();

function plan(lines: string[], discovered?: Map<string, { ip: string; dev: string }>) {
  return plannedLab(labYaml(lines), 'lab.yaml', { ctx: SSH_PLAN_CONTEXT, ...(discovered ? { discovered } : {}) });
}

const shellSyntaxOk = (script: string) => spawnSync('sh', ['-n'], { input: script }).status === 0;

describe('the plan on real machines', () => {
  it('prefixes every link and chain the lab creates, and keeps its files in /run/podnet/lab', () => {
    const p = plan(['name: t', 'driver: ssh', 'hosts:', ...sshHosts(2), 'network: { cidr: 10.2.0.0/16, backend: vxlan }']);
    const text = p.describe();
    expect(text).toContain('ip link add pn-flannel.1 address');
    expect(text).toContain('local 192.0.2.11 dev eth0 dstport 8472 nolearning');
    expect(text).toContain('ip link add pn-cni0 type bridge');
    expect(text).toContain('iptables -t nat -N PN-FLANNEL-POSTRTG');
    expect(text).toContain("iptables -t nat -A POSTROUTING -m comment --comment 'flanneld masq' -j PN-FLANNEL-POSTRTG");
    expect(text).toContain('write /run/podnet/lab/flannel/subnet.env');
    expect(text).toContain('ip netns add pn-a');
    // A real machine keeps its own DNS, default route and eth0 address.
    expect(text).not.toMatch(/resolv\.conf|route replace default|addr add 192\.0\.2/);
  });

  it('uses the underlay found on each machine (address and interface)', () => {
    const found = new Map([
      ['vm1', { ip: '198.51.100.1', dev: 'ens4' }],
      ['vm2', { ip: '198.51.100.2', dev: 'ens4' }],
    ]);
    const p = plan(['name: t', 'driver: ssh', 'hosts:', ...sshHosts(2), 'network: { cidr: 10.2.0.0/16, backend: host-gw }'], found);
    expect(p.describe()).toContain('ip route replace 10.2.2.0/24 via 198.51.100.2 dev ens4');
  });

  it('rejects a machine address inside the cluster CIDR, and one machine holding two hosts', () => {
    expect(() => plan(['name: t', 'driver: ssh', 'hosts:', ...sshHosts(1), 'network: { cidr: 192.0.2.0/24 }'], new Map([['vm1', { ip: '192.0.2.11', dev: 'eth0' }]]))).toThrow(/inside the cluster CIDR 192\.0\.2\.0\/24/);
    const twice = () => parseLab(labYaml(['name: t', 'driver: ssh', 'hosts:', ...sshHosts(1), '  - name: vm2', '    ssh: { address: 192.0.2.11, user: ubuntu }']), 'lab.yaml');
    expect(twice).toThrow(expect.objectContaining({ diagnostics: expect.arrayContaining([expect.objectContaining({ line: 8, message: 'vm2 and vm1 are the same machine (192.0.2.11:22)' })]) }));
    expect(() => parseLab(labYaml(['name: t', 'driver: ssh', 'hosts:', ...sshHosts(1), 'network: { vxlan: { vni: 10000 } }']), 'lab.yaml')).toThrow(/VNI must be at most 9999/);
  });

  it('runs as root directly, through sudo -n otherwise', () => {
    expect(asRoot('root', ['sh', '-s'])).toBe('sh -s');
    expect(asRoot('ubuntu', ['ip', 'netns', 'exec', 'pn-a', 'ping', '-c', '1', '10.2.2.2'])).toBe('sudo -n -- ip netns exec pn-a ping -c 1 10.2.2.2');
  });

  it('reads ssh:// engine addresses', () => {
    expect(parseSshEngine('ssh://me@box.example:2200')).toEqual({ user: 'me', address: 'box.example', port: 2200 });
    expect(parseSshEngine('ssh://box')).toEqual({ user: 'root', address: 'box', port: 22 });
    expect(() => parseSshEngine('tcp://box:2375')).toThrow(/not an ssh:\/\/ engine/);
  });
});

describe('the manifest and removal script of a host', () => {
  const docker0 = () =>
    plan(['name: t', 'driver: ssh', 'hosts:', ...sshHosts(2), 'network: { mode: docker0 }', 'publish:', '  - { host: vm2, port: 8080, to: a, toPort: 80 }']).plan.hosts[1]!;

  it('lists exactly what the plan creates on the machine: its namespaces, links, chains, rules on the machine\'s chains, policies, sysctls', () => {
    const m = labManifest('t', docker0(), '/run/podnet/lab');
    expect(m.netns).toEqual(['pn-a']);
    expect(m.links).toEqual(['pn-docker0', expect.stringMatching(/^veth[0-9a-f]{7}$/)]);
    expect(m.chains).toEqual(expect.arrayContaining([{ table: 'nat', chain: 'PN-DOCKER' }, { table: 'filter', chain: 'PN-DOCKER-FORWARD' }]));
    expect(m.chains.every((c) => c.chain.startsWith('PN-'))).toBe(true);
    expect(m.rules.every((r) => ['PREROUTING', 'OUTPUT', 'POSTROUTING', 'FORWARD'].includes(r.rule[0]!))).toBe(true);
    expect(m.rules).toContainEqual({ table: 'nat', rule: ['PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'PN-DOCKER'] });
    expect(m.policies).toEqual([{ table: 'filter', chain: 'FORWARD' }]);
    expect(m.sysctls).toEqual(['net.ipv4.ip_forward']);
    expect(m.files).toEqual([]);
  });

  it('records host-gw routes on the machine\'s own interface', () => {
    const hp = plan(['name: t', 'driver: ssh', 'hosts:', ...sshHosts(2), 'network: { cidr: 10.2.0.0/16, backend: host-gw }']).plan.hosts[0]!;
    expect(labManifest('t', hp, '/run/podnet/lab').routes).toEqual([{ dst: '10.2.2.0/24', dev: 'eth0' }]);
  });

  it('renders removal scripts that are valid shell, undo rules before chains, and restore what was there before', () => {
    const m = labManifest('t', docker0(), '/run/podnet/lab');
    const down = teardownScript(m);
    const before = recordBeforeScript(m);
    expect(shellSyntaxOk(down)).toBe(true);
    expect(shellSyntaxOk(before)).toBe(true);
    expect(down.indexOf('-D PREROUTING')).toBeLessThan(down.indexOf('-X PN-DOCKER'));
    expect(down.indexOf('-F PN-DOCKER-FORWARD')).toBeLessThan(down.indexOf('-X PN-DOCKER-CT'));
    expect(down).toContain('iptables -w 5 -t filter -P FORWARD "$before_filter_FORWARD"');
    expect(down).toContain("for p in $(ip netns pids pn-a 2>/dev/null)");
    expect(down.trimEnd().split('\n').slice(-2)).toEqual(['rm -rf "$d"', 'true']);
    expect(before).toContain("sed -n 's/^-P FORWARD //p'");
  });

  it('every built-in lab has a valid removal script on real machines', () => {
    for (const name of ['docker0', 'port-publish', 'pod-cidr', 'flannel-vxlan', 'flannel-host-gw', 'three-hosts']) {
      const text = readFileSync(new URL(`../../resources/labs/${name}.yaml`, import.meta.url), 'utf8')
        .replace(/^hosts:$/m, 'driver: ssh\nhosts:')
        .replace(/^ {2}- name: (host\d)$/gm, (_l, h: string) => `  - name: ${h}\n    ssh: { address: 192.0.2.${h.slice(4)}, user: root }`);
      const p = plannedLab(text, `${name}.yaml`, { ctx: SSH_PLAN_CONTEXT });
      for (const hp of p.plan.hosts) expect(shellSyntaxOk(teardownScript(labManifest(name, hp, '/run/podnet/lab'))), `${name}/${hp.host}`).toBe(true);
    }
  });
});
