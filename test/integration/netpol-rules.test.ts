// kube-router's NetworkPolicy rules on a real kernel: one node container
// (podnet/node:2) with pods in network namespaces on cni0, two "node2" pods
// behind a second bridge (their traffic to node1's pods is routed, as it is
// when it comes out of flannel.1), a lab internet with two addresses, and
// dnsmasq as kube-dns. The rules are loaded exactly as the plan would load them
// (the plan's steps: ipset restore, iptables-restore --noflush) and judged by
// real connections, which the observed rules and the Kubernetes evaluator must
// predict.
//
// Same-node traffic crosses cni0 as a bridged frame; it meets iptables only
// because br_netfilter is loaded on this kernel and
// net.bridge.bridge-nf-call-iptables is per network namespace (since Linux
// 5.3) and defaults to 1 in a new one — the test checks that value and that
// the physdev --physdev-is-bridged jump counted the client's packets.
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { currentBuilder } from '../../src/engine/drivers/builder';
import { LABELS } from '../../src/engine/drivers/docker/docker-identity';
import { NODE_IMAGE } from '../../src/engine/drivers/docker/node-image';
import { runExec } from '../../src/engine/drivers/docker/docker-exec';
import { allowed } from '../../src/engine/kube/netpol-evaluate';
import { resolvePolicy, type KubeCluster, type KubePod } from '../../src/engine/kube/network-policy';
import { explainObserved, parseNetpol } from '../../src/engine/observe/parse-netpol';
import { parseIptablesSave } from '../../src/engine/observe/parse-iptables-save';
import type { NetpolObserved } from '../../src/shared/netpol';
import { bridgeSteps } from '../../src/engine/plan/bridge';
import { syncVersionFor } from '../../src/engine/plan/kube-router-names';
import { kubeRouterInstallSteps, kubeRouterResyncSteps, kubeRouterTeardownSteps, renderKubeRouterNode, type KubeRouterNodeRules } from '../../src/engine/plan/kube-router-netpol';
import { podHostSteps, podNetnsSteps } from '../../src/engine/plan/pod';
import { renderHostScript, renderSteps } from '../../src/engine/plan/render-script';
import { responderScriptStep, responderSteps, waitForResponder } from '../../src/engine/plan/responder';
import { cmd, type Step } from '../../src/engine/plan/step';
import { describeWithDocker } from '../helpers/docker-required';
import { kubePod as pod } from '../helpers/netpol';

const LAB = 'netpol-rules-it';
const CONTAINER = `podnet-${LAB}-node1`;
const STATE = '/etc/podnet';
const CLUSTER_CIDR = '10.244.0.0/16';

const web = pod('web', '10.244.1.2', { app: 'web' });
const client = pod('client', '10.244.1.3', { role: 'client' });
const other = pod('other', '10.244.1.4', { role: 'other' });
const dns = pod('coredns', '10.244.1.5', { 'k8s-app': 'kube-dns' }, 'node1', 'kube-system');
const remoteClient = pod('rclient', '10.244.2.2', { role: 'client' }, 'node2');
const remoteOther = pod('rother', '10.244.2.3', { role: 'other' }, 'node2');
const PODS = [web, client, other, dns, remoteClient, remoteOther];

const bridge = (name: string, ip: string) => ({ name, ip, prefixLen: 24, subnet: ip.replace(/\.1$/, '.0/24'), mtu: 1500 });
const cni0 = bridge('cni0', '10.244.1.1');
const node2Side = bridge('rbr0', '10.244.2.1');

function podSteps(p: KubePod, i: number): Step[] {
  const br = p.node === 'node1' ? cni0 : node2Side;
  const alloc = { name: p.name, ip: p.ip, prefixLen: 24, gateway: br.ip, vethHost: `veth${i}np`, mtu: 1500, serve: null };
  const input = { pod: alloc, netns: p.name, bridge: br, clusterCidr: CLUSTER_CIDR, hairpin: false };
  return [...podHostSteps(input), ...podNetnsSteps(input)];
}

/** node1 with its pods, the node2 pods behind rbr0, the internet at 203.0.113.10 and .200, web's responder and kube-dns. */
function setupScript(): string {
  const steps: Step[] = [
    ...bridgeSteps(cni0),
    ...bridgeSteps(node2Side),
    ...PODS.flatMap(podSteps),
    cmd('ip', 'netns', 'add', 'internet'),
    cmd('ip', 'link', 'add', 'vinet', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'internet'),
    cmd('ip', 'addr', 'add', '203.0.113.1/24', 'dev', 'vinet'),
    cmd('ip', 'link', 'set', 'vinet', 'up'),
    cmd('ip', '-n', 'internet', 'link', 'set', 'lo', 'up'),
    cmd('ip', '-n', 'internet', 'addr', 'add', '203.0.113.10/24', 'dev', 'eth0'),
    cmd('ip', '-n', 'internet', 'addr', 'add', '203.0.113.200/24', 'dev', 'eth0'),
    cmd('ip', '-n', 'internet', 'link', 'set', 'eth0', 'up'),
    cmd('ip', '-n', 'internet', 'route', 'add', 'default', 'via', '203.0.113.1'),
    responderScriptStep(STATE),
    ...responderSteps({ stateDir: STATE, netns: 'web', who: 'web', ip: web.ip, port: 8080 }),
    waitForResponder({ netns: 'web', port: 8080 }),
    {
      kind: 'daemon',
      argv: ['ip', 'netns', 'exec', 'coredns', 'dnsmasq', '--keep-in-foreground', '--no-resolv', '--no-hosts', '--bind-interfaces', `--listen-address=${dns.ip}`, '--user=root', `--address=/web.default.svc.cluster.local/${web.ip}`],
      log: `${STATE}/dnsmasq.log`,
    },
    { kind: 'wait-listen', netns: 'coredns', port: 53, timeoutMs: 5000 },
  ];
  return renderHostScript({ host: 'node1', role: 'host', phases: [{ phase: 'pods', steps }] });
}

const deny = { name: 'deny-web', podSelector: { app: 'web' }, policyTypes: ['Ingress'] };
const fromClient = { name: 'web-from-client', podSelector: { app: 'web' }, ingress: [{ from: [{ podSelector: { role: 'client' } }], ports: [{ protocol: 'TCP', port: 8080 }] }] };
const fromInternet = { name: 'web-from-internet', podSelector: { app: 'web' }, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }] };
const clientEgressDeny = { name: 'client-egress', podSelector: { role: 'client' }, policyTypes: ['Egress'] };
const allowDns = {
  name: 'allow-dns',
  podSelector: {},
  policyTypes: ['Egress'],
  egress: [{ to: [{ namespaceSelector: { 'kubernetes.io/metadata.name': 'kube-system' }, podSelector: { 'k8s-app': 'kube-dns' } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
};

const clusterWith = (...policies: object[]): KubeCluster => ({ namespaces: [], pods: PODS, policies: policies.map(resolvePolicy) });

/** What a connection did on the kernel, what the observed rules say, and what Kubernetes says. */
const verdict = (reached: boolean, kubernetes = reached) => ({ reached, observed: reached, kubernetes });

await describeWithDocker('kube-router NetworkPolicy rules on a real kernel', () => {
  const docker = new Docker();
  let current: KubeRouterNodeRules | null = null;

  async function sh(script: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const r = await runExec(docker, CONTAINER, ['sh', '-c', script], stdin === undefined ? {} : { stdin });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }

  async function must(script: string, stdin?: string): Promise<string> {
    const r = await sh(script, stdin);
    if (r.code !== 0) throw new Error(`${script} → exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  let cluster: KubeCluster = clusterWith();
  let observed: NetpolObserved | null = null;

  /** One sync through the plan's own steps (files, `ipset restore -file`, `iptables-restore --noflush <file>`), rendered as a host script; then the host is read back. */
  async function sync(next: KubeCluster | null): Promise<void> {
    const prev = current;
    const rules = next && renderKubeRouterNode(next, 'node1', { syncVersion: syncVersionFor(LAB) });
    const dir = `${STATE}/kube-router`;
    const steps = rules ? (prev ? kubeRouterResyncSteps(prev, rules, dir) : kubeRouterInstallSteps(rules, dir)) : prev ? kubeRouterTeardownSteps(prev, dir) : [];
    await must(`set -eu\n${renderSteps(steps)}`);
    current = rules;
    cluster = next ?? clusterWith();
    const [filter, ipsets] = (await must('iptables-save -t filter; echo =====; ipset save')).split('=====\n') as [string, string];
    observed = parseNetpol(parseIptablesSave(filter).filter, ipsets, { syncVersion: syncVersionFor(LAB), policies: cluster.policies, pods: PODS });
  }

  /** A TCP connection to web:8080 from a pod (or the internet at `srcIp`): did it get through, do the observed rules and Kubernetes agree? */
  async function toWeb(from: KubePod | { netns: 'internet'; ip: string }): Promise<ReturnType<typeof verdict>> {
    const [netns, srcIp] = 'netns' in from ? [from.netns, from.ip] : [from.name, from.ip];
    const r = await curl(netns, undefined, netns === 'internet' ? `--interface ${srcIp}` : '');
    if (r.code !== 0 && r.code !== 7) throw new Error(`curl from ${netns}: exit ${r.code} (neither answered nor refused)`);
    return { reached: r.code === 0, observed: explainObserved(observed!, srcIp, web.ip, 'tcp', 8080).allowed, kubernetes: allowed(cluster, srcIp, web.ip, 'TCP', 8080).allowed };
  }

  /** curl's exit code (0 answered, 7 refused) and what web answered. */
  async function curl(from: string, url = `http://${web.ip}:8080/`, extra = ''): Promise<{ code: number; body: string }> {
    const r = await sh(`ip netns exec ${from} curl -sS -m 3 ${extra} ${url}`);
    return { code: r.code, body: r.stdout.trim() };
  }

  /** Packets counted by the first filter rule `pick` chooses (iptables-save -c). */
  async function packets(pick: (line: string) => boolean): Promise<number> {
    const line = (await must('iptables-save -c -t filter')).split('\n').find(pick);
    if (!line) throw new Error('no such rule');
    return Number(/^\[(\d+):/.exec(line)![1]);
  }

  async function dig(from: string): Promise<string> {
    const r = await sh(`ip netns exec ${from} dig +short +time=1 +tries=1 @${dns.ip} web.default.svc.cluster.local`);
    return r.code === 0 ? r.stdout.trim() : `exit ${r.code}`;
  }

  beforeAll(async () => {
    await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
    const container = await docker.createContainer({
      name: CONTAINER,
      Image: NODE_IMAGE,
      Cmd: ['sleep', 'infinity'],
      // A lab's identity, with this process as its builder: `podnet gc` elsewhere spares it while the suite runs.
      Labels: { [LABELS.lab]: LAB, [LABELS.host]: 'node1', [LABELS.builder]: currentBuilder() },
      StopTimeout: 1,
      HostConfig: {
        AutoRemove: true,
        CapAdd: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'],
        Init: true,
        NetworkMode: 'none',
        SecurityOpt: ['apparmor=unconfined'],
        Sysctls: { 'net.ipv4.ip_forward': '1' },
      },
    });
    await container.start();
    await must(setupScript());
  });

  afterAll(async () => {
    await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
  });

  it('bridged traffic meets iptables in this netns; without policies everything connects', async () => {
    expect((await must('cat /proc/sys/net/bridge/bridge-nf-call-iptables')).trim()).toBe('1');
    expect(await curl('client')).toEqual({ code: 0, body: expect.stringMatching(new RegExp(`^hello from web \\(${web.ip.replaceAll('.', '\\.')}:8080\\), client `)) });
    expect((await curl('rclient')).code).toBe(0);
    expect(await dig('client')).toBe(web.ip);
  });

  it('default-deny ingress on app=web refuses the client on the same node (bridged) and from node2 (routed)', async () => {
    await sync(clusterWith(deny));
    expect(await toWeb(client)).toEqual(verdict(false));
    expect(await toWeb(remoteClient)).toEqual(verdict(false));
    // both refusals are web's REJECT (kube-router rejects, it does not drop: curl is refused at once)
    expect(await packets((l) => l.includes('"default/web reject"'))).toBeGreaterThanOrEqual(2);
    expect(observed!.pods.find((p) => p.name === 'web')).toMatchObject({ isolatedIngress: true, isolatedEgress: false });
    expect(observed!.pods.find((p) => p.name === 'client')).toMatchObject({ isolatedIngress: false, isolatedEgress: false });
    // web is isolated for ingress only: its own connections and their replies pass
    expect((await sh(`ip netns exec web curl -sS -m 3 -o /dev/null http://${web.ip}:8080/`)).code).toBe(0);
    expect(await dig('client')).toBe(web.ip);
    // kube-router's KUBE-NWPLCY-COMMON accepts ICMP echo-request for every pod
    expect((await sh(`ip netns exec client ping -c1 -W2 ${web.ip}`)).code).toBe(0);
  });

  it('allowing role=client lets only the client pods through, replies included', async () => {
    await sync(clusterWith(deny, fromClient));
    expect(await curl('client')).toEqual({ code: 0, body: expect.stringMatching(new RegExp(`^hello from web \\(${web.ip.replaceAll('.', '\\.')}:8080\\), client `)) });
    expect(await toWeb(client)).toEqual(verdict(true));
    expect(await toWeb(remoteClient)).toEqual(verdict(true));
    expect(await toWeb(other)).toEqual(verdict(false));
    expect(await toWeb(remoteOther)).toEqual(verdict(false));
    // an accepted packet returns from web's chain and meets the bridged copy of the jump: the frame crossed cni0 as a bridge
    expect(await packets((l) => l.includes('--physdev-is-bridged') && l.includes(`-d ${web.ip}/32`))).toBeGreaterThan(0);
  });

  it('an ipBlock allows the internet address and not the except range', async () => {
    await sync(clusterWith(deny, fromInternet));
    expect(await toWeb({ netns: 'internet', ip: '203.0.113.10' })).toEqual(verdict(true));
    expect(await toWeb({ netns: 'internet', ip: '203.0.113.200' })).toEqual(verdict(false));
    expect(await toWeb(client)).toEqual(verdict(false));
  });

  it('egress isolation blocks DNS (UDP 53) until 53 is allowed to kube-dns', async () => {
    await sync(clusterWith(clientEgressDeny));
    expect(await dig('client')).toMatch(/^exit [1-9]/);
    expect(explainObserved(observed!, client.ip, dns.ip, 'udp', 53)).toMatchObject({ allowed: false, steps: [{ direction: 'egress', verdict: 'rejected' }, { direction: 'ingress', verdict: 'not-isolated' }] });
    expect(await toWeb(client)).toEqual(verdict(false));
    expect(await dig('other')).toBe(web.ip);
    await sync(clusterWith(clientEgressDeny, allowDns));
    expect(await dig('client')).toBe(web.ip);
    expect(explainObserved(observed!, client.ip, dns.ip, 'udp', 53).steps[0]).toMatchObject({ verdict: 'allowed', policy: { namespace: 'default', name: 'allow-dns' } });
    expect(await toWeb(client)).toEqual(verdict(false));
  });

  it('kube-router, not Kubernetes: a policy of both types runs all its rules for the pods it selects', async () => {
    // every default pod is isolated both ways; the only rule is egress to app=web — Kubernetes still refuses web's ingress
    await sync(clusterWith({ name: 'to-web-only', podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ podSelector: { app: 'web' } }] }] }));
    expect(await toWeb(client)).toEqual(verdict(true, false));
  });

  it('the teardown leaves no kube-router chain, jump or ipset, and traffic flows again', async () => {
    await sync(null);
    const save = await must('iptables-save -t filter');
    expect(save).not.toMatch(/KUBE-ROUTER|KUBE-POD-FW|KUBE-NWPLCY/);
    expect(await must('ipset list -n')).toBe('');
    expect(observed).toMatchObject({ enforced: false, pods: [], policies: [], ipsets: [], chains: [] });
    expect(await toWeb(client)).toEqual(verdict(true));
    expect(await dig('client')).toBe(web.ip);
  });
});
