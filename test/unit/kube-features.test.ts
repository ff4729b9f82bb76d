// The Services labs as plans (kube-proxy, hostport and cluster-dns features),
// what a host's observation makes of kube-proxy's rules, the readiness of a
// Service, the sysctls a Docker host gets at creation and inspect's summary.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatServices } from '../../src/cli/format-services';
import { containerSysctls } from '../../src/engine/drivers/docker/container-sysctls';
import { SSH_PLAN_CONTEXT } from '../../src/engine/drivers/ssh/ssh-plan-context';
import { labCluster } from '../../src/engine/kube/lab-cluster';
import { kubeServiceProblem } from '../../src/engine/kube-service-check';
import { KUBE_NFT_SECTION, observedServices } from '../../src/engine/observe/observe-kube';
import { observeScript } from '../../src/engine/observe/observe-script';
import { podResolvConf } from '../../src/engine/plan/cluster-dns';
import { kubeProxyIptables } from '../../src/engine/plan/kube-proxy-iptables';
import { kubeProxyNftables } from '../../src/engine/plan/kube-proxy-nftables';
import { NETWORK_FEATURES } from '../../src/engine/plan/network-features';
import { DOCKER_PLAN_CONTEXT, type PlanContext } from '../../src/engine/plan/plan-context';
import { planLab } from '../../src/engine/plan/plan-lab';
import { iptablesRestoreFileSteps, nftFileSteps } from '../../src/engine/plan/rule-file-steps';
import type { LabPlan, Step } from '../../src/engine/plan/step';
import { allocatedLab } from '../helpers/allocated-lab';
import type { HostState } from '../../src/shared/snapshot';

const LABS = new URL('../../resources/labs/', import.meta.url);
const parsed = (file: string, ctx?: PlanContext) => allocatedLab(readFileSync(new URL(file, LABS), 'utf8'), file, ctx ? { ctx } : {});
function planOf(file: string, ctx: PlanContext = DOCKER_PLAN_CONTEXT) {
  const p = parsed(file, ctx);
  return { ...p, plan: planLab(p.spec, p.allocation, ctx), cluster: labCluster(p.spec, p.allocation)!.cluster };
}
const phase = (plan: LabPlan, host: string, name: string): Step[] => plan.hosts.find((h) => h.host === host)!.phases.find((p) => p.phase === name)!.steps;

describe('the services labs as plans', () => {
  it('are made of the kube features, between publish and the responders', () => {
    expect(NETWORK_FEATURES.filter((f) => f.applies(parsed('services.yaml').spec)).map((f) => f.name)).toEqual([
      'host', 'internet', 'cni-bridge', 'flannel', 'flannel-vxlan', 'masquerade', 'kube-proxy', 'hostport', 'cluster-dns', 'responders',
    ]);
  });

  it('iptables mode: route_localnet and one iptables-restore of kube-proxy\'s rules per node; the portmap chains after them where a pod has a hostPort', () => {
    const { plan, cluster } = planOf('services.yaml');
    const kubeProxy = (node: string) => [{ kind: 'sysctl', key: 'net.ipv4.conf.all.route_localnet', value: '1' }, ...iptablesRestoreFileSteps('/etc/podnet/kube-proxy/iptables.rules', kubeProxyIptables(cluster, node).restore)];
    expect(phase(plan, 'node1', 'publishing')).toEqual(kubeProxy('node1'));
    const node2 = phase(plan, 'node2', 'publishing');
    expect(node2.slice(0, 3)).toEqual(kubeProxy('node2'));
    expect(node2.slice(3).map((s) => (s.kind === 'file' ? s.path : s.kind === 'cmd' ? s.argv.join(' ') : s.kind))).toEqual([
      'sysctl',
      '/etc/podnet/cni/portmap.rules',
      'iptables-restore -w 5 --noflush /etc/podnet/cni/portmap.rules',
    ]);
    const portmap = node2[4]!;
    expect(portmap.kind === 'file' && portmap.content).toMatch(/-A CNI-DN-[0-9a-f]{21} -p tcp -m tcp --dport 8081 -j DNAT --to-destination 10\.244\.2\.4:9000/);
  });

  it('cluster DNS: the server pod on node1 (its files, dnsmasq, a wait on port 53), every other pod\'s resolv.conf', () => {
    const { plan } = planOf('services.yaml');
    const files = (host: string) => phase(plan, host, 'pods').flatMap((s) => (s.kind === 'file' && s.path.endsWith('resolv.conf') ? [s.path] : []));
    expect(files('node1')).toEqual(['/etc/netns/web-1/resolv.conf', '/etc/netns/client/resolv.conf']);
    expect(files('node2')).toEqual(['/etc/netns/web-2/resolv.conf', '/etc/netns/web-3/resolv.conf', '/etc/netns/api-1/resolv.conf']);
    const api = phase(plan, 'node2', 'pods').find((s) => s.kind === 'file' && s.path === '/etc/netns/api-1/resolv.conf');
    expect(api).toMatchObject({ content: podResolvConf('shop', '10.96.0.10', 'cluster.local') });
    const daemon = phase(plan, 'node1', 'pods').find((s) => s.kind === 'daemon' && s.argv.includes('dnsmasq'));
    expect(daemon).toMatchObject({ argv: ['ip', 'netns', 'exec', 'kube-dns', 'dnsmasq', '--keep-in-foreground', '--conf-file=/etc/podnet/kube-dns/dnsmasq.conf', '--log-facility=-', '--log-queries', '--pid-file=/etc/podnet/kube-dns/dnsmasq.pid'] });
    expect(phase(plan, 'node1', 'ready')).toContainEqual({ kind: 'wait-listen', netns: 'kube-dns', port: 53, timeoutMs: 5000 });
    expect(phase(plan, 'node2', 'pods').some((s) => s.kind === 'daemon' && s.argv.includes('dnsmasq'))).toBe(false);
  });

  it('nftables mode: one nft -f of the node\'s table (the lab\'s own table name on a shared machine)', () => {
    const { plan, cluster } = planOf('services-nft.yaml');
    expect(phase(plan, 'node1', 'publishing')).toEqual(nftFileSteps('/etc/podnet/kube-proxy/kube-proxy.nft', kubeProxyNftables(cluster, 'node1').script));
    const ssh = planOf('services-nft.yaml', SSH_PLAN_CONTEXT);
    expect(phase(ssh.plan, 'node1', 'publishing')).toEqual(nftFileSteps('/run/podnet/lab/kube-proxy/kube-proxy.nft', kubeProxyNftables(ssh.cluster, 'node1', { table: 'pn-kube-proxy' }).script));
  });

  it('expects kube-proxy\'s chains and each Service with a ClusterIP and its endpoints', () => {
    const { plan } = planOf('services.yaml');
    const expected = plan.hosts.find((h) => h.host === 'node2')!.expected;
    expect(expected).toContainEqual({ kind: 'chain', table: 'nat', chain: 'KUBE-SERVICES' });
    expect(expected).toContainEqual({ kind: 'chain', table: 'filter', chain: 'KUBE-FORWARD' });
    expect(expected).toContainEqual({ kind: 'chain', table: 'nat', chain: 'CNI-HOSTPORT-DNAT' });
    expect(expected.filter((e) => e.kind === 'kube-service')).toEqual([
      { kind: 'kube-service', mode: 'iptables', service: 'default/empty', endpoints: 0 },
      { kind: 'kube-service', mode: 'iptables', service: 'default/sticky', endpoints: 3 },
      { kind: 'kube-service', mode: 'iptables', service: 'default/web', endpoints: 3 },
      { kind: 'kube-service', mode: 'iptables', service: 'default/web-local', endpoints: 1 },
      { kind: 'kube-service', mode: 'iptables', service: 'kube-system/kube-dns', endpoints: 3 },
      { kind: 'kube-service', mode: 'iptables', service: 'shop/api', endpoints: 1 },
    ]);
  });

  it('a Docker host is created with the namespaced sysctls its plan sets (its /proc/sys is read-only); a lab without Services gets none', () => {
    expect(containerSysctls(planOf('services.yaml').plan.hosts[0]!)).toEqual({ 'net.ipv4.conf.all.route_localnet': '1' });
    const plain = parsed('flannel-vxlan.yaml');
    expect(containerSysctls(planLab(plain.spec, plain.allocation, DOCKER_PLAN_CONTEXT).hosts[0]!)).toEqual({});
  });
});

describe('kube-proxy\'s rules in a host\'s observation', () => {
  const { cluster } = planOf('services.yaml');
  const save = kubeProxyIptables(cluster, 'node1').saved;

  it('iptables mode from the iptables-save already read; none without KUBE-SERVICES', () => {
    const services = observedServices(new Map([['iptables', `# Generated by iptables-save\n${save}`]]), '')!;
    expect(services.mode).toBe('iptables');
    expect(services.services.map((s) => `${s.namespace}/${s.name}`)).toEqual(['default/empty', 'default/sticky', 'default/web', 'default/web-local', 'kube-system/kube-dns', 'shop/api']);
    expect(observedServices(new Map([['iptables', '*nat\n:PREROUTING ACCEPT [0:0]\n:FLANNEL-POSTRTG - [0:0]\nCOMMIT\n']]), '')).toBeNull();
  });

  it('on a shared machine, the lab\'s PN- chains (and not the machine\'s own)', () => {
    const names = SSH_PLAN_CONTEXT.names!;
    const ours = kubeProxyIptables(cluster, 'node1', { names }).saved;
    expect(observedServices(new Map([['iptables', `#\n${save}`]]), 'pn-')).toBeNull();
    expect(observedServices(new Map([['iptables', `#\n${ours}`]]), 'pn-')!.services).toHaveLength(6);
  });

  it('nftables mode from its own section, read only when the table is there', () => {
    const fixture = readFileSync(new URL('../fixtures/kube-proxy-nft-node1.json', import.meta.url), 'utf8');
    expect(observedServices(new Map([[KUBE_NFT_SECTION, fixture]]), '')!.mode).toBe('nftables');
    expect(observeScript({ underlayDev: 'eth0', netnsPrefix: '' })).toContain("if kube_nft=$(nft -j list table ip kube-proxy 2>/dev/null); then");
    expect(observeScript({ underlayDev: 'eth0', netnsPrefix: 'pn-' })).toContain('nft -j list table ip pn-kube-proxy');
  });

  it('the readiness of a Service: its endpoints in the rules read back', () => {
    const state = { services: observedServices(new Map([['iptables', `#\n${save}`]]), '') } as HostState;
    const web = { kind: 'kube-service', mode: 'iptables', service: 'default/web', endpoints: 3 } as const;
    expect(kubeServiceProblem('node1', web, state)).toBeNull();
    const broken = save.split('\n').filter((l) => !l.includes('DNAT --to-destination 10.244.2.2:8080') || !l.includes('default/web:http')).join('\n');
    expect(kubeServiceProblem('node1', web, { services: observedServices(new Map([['iptables', `#\n${broken}`]]), '') } as HostState)).toBe("node1: service default/web has 2 of its 3 endpoints in kube-proxy's rules");
    expect(kubeServiceProblem('node1', { ...web, service: 'default/nope' }, state)).toBe("node1: service default/nope is not in kube-proxy's rules");
    expect(kubeServiceProblem('node1', { ...web, mode: 'nftables' }, state)).toBe('node1: no kube-proxy rules (nftables mode)');
    expect(kubeServiceProblem('node1', web, { services: null } as HostState)).toBe('node1: no kube-proxy rules (iptables mode)');
  });

  it('inspect prints each service port, its endpoints and their shares', () => {
    const text = formatServices(observedServices(new Map([['iptables', `#\n${save}`]]), '')!, '  ');
    expect(text[0]).toBe('  services (kube-proxy, iptables mode):');
    expect(text).toContain('    default/web:http              10.96.100.10:80/tcp  nodePort 30080 (Cluster)');
    expect(text.filter((l) => / {6}→ 10\.244\.\d\.\d:8080 +33\.3% {2}KUBE-SEP-[A-Z2-7]{16}$/.test(l))).toHaveLength(6);
    expect(text).toContain('    default/empty                 10.96.100.13:80/tcp  no endpoints: REJECT');
    expect(text).toContain('      local endpoints: 10.244.1.2:8080');
  });
});
