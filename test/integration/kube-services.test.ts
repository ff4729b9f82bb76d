// Kubernetes Services on real labs: the built-in services lab in kube-proxy's
// iptables mode and its nftables twin, built once each (in parallel) and
// shared by every case. Curls through ClusterIPs and NodePorts, the source
// address an endpoint sees, ClientIP affinity, REJECT without endpoints, the
// cluster DNS through kube-dns, a hostPort, and the observed services
// following a rule deleted by hand.
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { readinessProblems } from '../../src/engine/ready-check';
import type { HostState } from '../../src/shared/snapshot';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, useLabs } from '../helpers/lab-fixture';

const IPT = 'it-svc';
const NFT = 'it-svc-nft';
const IPT_TEXT = builtinLab('services.yaml', IPT);
const NFT_TEXT = builtinLab('services-nft.yaml', NFT);

const WEB = '10.96.100.10';
const WEB_PODS = ['web-1', 'web-2', 'web-3'];
const ANSWER = /^hello from ([a-z0-9-]+) \(([a-z0-9-]+), ([0-9.]+):(\d+)\), client ([0-9.]+):(\d+)$/;

/** kube-proxy's chain hash, from the formula: base32(sha256(servicePortName + protocol)), first 16 characters. */
function kubeProxyHash(spnProto: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of createHash('sha256').update(spnProto).digest()) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i + 5 <= bits.length && out.length < 16; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

await describeWithDocker('Kubernetes Services on a lab (kube-proxy iptables and nftables modes, cluster DNS, hostPort)', () => {
  const t = useLabs(IPT_TEXT, NFT_TEXT);

  async function sh(lab: string, target: string, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return t.engine.exec(lab, target, ['sh', '-c', script]);
  }
  /** Each answer of `n` curls, parsed. */
  async function curls(lab: string, target: string, url: string, n: number): Promise<{ pod: string; node: string; client: string }[]> {
    const r = await sh(lab, target, `for i in $(seq ${n}); do curl -sS -m 3 ${url} || echo FAILED; done`);
    const lines = r.stdout.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(n);
    return lines.map((line) => {
      const m = ANSWER.exec(line);
      expect(m, line).not.toBeNull();
      return { pod: m![1]!, node: m![2]!, client: m![5]! };
    });
  }
  const underlayOf = async (lab: string, host: string) => (await t.engine.inspect(lab)).hosts.find((h) => h.name === host)!.underlayIp!;

  it('30 curls of the ClusterIP from a pod on each node and from each node reach all three endpoints', async () => {
    for (const from of ['node1/client', 'node2/api-1', 'node1', 'node2']) {
      const pods = new Set((await curls(IPT, from, `http://${WEB}/`, 30)).map((a) => a.pod));
      expect([...pods].sort(), from).toEqual(WEB_PODS);
    }
  });

  it('a pod sees the client pod\'s own address through the ClusterIP (TCP and UDP responders)', async () => {
    const [first] = await curls(IPT, 'node1/client', `http://${WEB}/`, 1);
    expect(first!.client).toBe('10.244.1.3');
    const udp = await sh(IPT, 'node1/client', 'echo hi | socat -T2 - UDP:10.244.2.2:8080');
    expect(udp.stdout.trim()).toMatch(/^hello from web-2 \(node2, 10\.244\.2\.2:8080\), client 10\.244\.1\.3:\d+$/);
  });

  it('iptables-save -t nat on node2 holds KUBE-SVC-CDGGSHYLG3RE2FKL for default/web:http, 1/3 then 1/2 then the last endpoint', async () => {
    const chain = `KUBE-SVC-${kubeProxyHash('default/web:httptcp')}`;
    expect(chain).toBe('KUBE-SVC-CDGGSHYLG3RE2FKL');
    const save = (await t.engine.exec(IPT, 'node2', ['iptables-save', '-t', 'nat'])).stdout;
    expect(save).toContain(`:${chain} - [0:0]`);
    expect(save).toContain(`-A KUBE-SERVICES -d ${WEB}/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j ${chain}`);
    const jumps = save.split('\n').filter((l) => l.startsWith(`-A ${chain} `) && l.includes('-j KUBE-SEP-'));
    expect(jumps.map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'last')).toEqual(['0.33333333349', '0.50000000000', 'last']);
    expect(jumps.map((l) => /-> ([0-9.:]+)/.exec(l)![1])).toEqual(['10.244.1.2:8080', '10.244.2.2:8080', '10.244.2.3:8080']);
  });

  it('podnet path to the ClusterIP (tcp) arrives at an endpoint, naming KUBE-SERVICES → KUBE-SVC → KUBE-SEP → DNAT and the translation', async () => {
    const p = await t.engine.packetPath(IPT, 'node1/client', `${WEB}:80`);
    expect(p.ok).toBe(true);
    expect(p.request.reached && p.reply.reached).toBe(true);
    const endpoint = p.request.hops[p.request.hops.length - 1]!.node;
    expect(['node1/web-1', 'node2/web-2', 'node2/web-3']).toContain(endpoint);
    // The DNAT happens where the connection first meets kube-proxy's rules: node1, the client's host.
    const node1 = p.trace!.hops.find((h) => h.node === 'node1' && h.leg === 'request')!;
    const rules = node1.rules.map((r) => r.rule);
    expect(rules).toContain(`-A KUBE-SERVICES -d ${WEB}/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-CDGGSHYLG3RE2FKL`);
    expect(rules.some((r) => /^-A KUBE-SEP-\w+ -p tcp -m comment --comment "default\/web:http" -m tcp -j DNAT --to-destination 10\.244\.\d\.\d:8080$/.test(r ?? ""))).toBe(true);
    expect(node1.nat).toMatch(new RegExp(`^10\\.244\\.1\\.3:(\\d+) → ${WEB.replace(/\./g, '\\.')}:80 became 10\\.244\\.1\\.3:\\1 → 10\\.244\\.\\d\\.\\d:8080$`));
  });

  it('NodePort (Cluster) answers from another node and from the internet node; the endpoint sees a node\'s address', async () => {
    const node2 = (await t.engine.inspect(IPT)).hosts.find((h) => h.name === 'node2')!;
    const node2Addresses = [node2.underlayIp, ...node2.interfaces.flatMap((i) => i.addresses.map((a) => a.address))];
    for (const from of ['node1', 'internet']) {
      const answers = await curls(IPT, from, `http://${node2.underlayIp}:30080/`, 12);
      expect(new Set(answers.map((a) => a.pod)).size, from).toBeGreaterThan(1);
      for (const a of answers) expect(node2Addresses, `${from} → ${a.pod} saw ${a.client}`).toContain(a.client);
    }
  });

  it('NodePort (Local) keeps the client\'s address on the node with an endpoint, and a node without one drops', async () => {
    const inet = (await t.engine.inspect(IPT)).internet!.underlayIp!;
    const [answer] = await curls(IPT, 'internet', `http://${await underlayOf(IPT, 'node1')}:30081/`, 1);
    expect(answer).toEqual({ pod: 'web-1', node: 'node1', client: inet });
    const dropped = await t.engine.exec(IPT, 'internet', ['curl', '-sS', '-m', '2', `http://${await underlayOf(IPT, 'node2')}:30081/`]);
    expect(dropped.code).toBe(28); // timed out: the SYN was dropped, not refused
  });

  it('ClientIP affinity keeps one endpoint across 20 requests', async () => {
    const pods = new Set((await curls(IPT, 'node1/client', 'http://10.96.100.12/', 20)).map((a) => a.pod));
    expect(pods.size).toBe(1);
  });

  it('a service without endpoints is rejected: connection refused', async () => {
    const r = await t.engine.exec(IPT, 'node1/client', ['curl', '-sS', '-m', '3', 'http://10.96.100.13/']);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/Couldn't connect|Connection refused/);
  });

  it('cluster DNS: short, namespaced and full names resolve in a default pod; SRV, headless and another namespace answer', async () => {
    for (const name of ['web', 'web.default', 'web.default.svc.cluster.local']) {
      const r = await t.engine.exec(IPT, 'node1/client', ['getent', 'hosts', name]);
      expect(r.stdout, name).toMatch(new RegExp(`^${WEB.replace(/\./g, '\\.')}\\s+web\\.default\\.svc\\.cluster\\.local`));
    }
    const srv = await t.engine.exec(IPT, 'node1/client', ['dig', '+short', 'SRV', '_http._tcp.web.default.svc.cluster.local']);
    expect(srv.stdout.trim()).toBe('0 100 80 web.default.svc.cluster.local.');
    const headless = await t.engine.exec(IPT, 'node2/web-2', ['dig', '+short', 'web-pods.default.svc.cluster.local']);
    expect(headless.stdout.trim().split('\n').sort()).toEqual(['10.244.1.2', '10.244.2.2', '10.244.2.3']);
    const api = await t.engine.exec(IPT, 'node2/web-2', ['getent', 'hosts', 'api.shop']);
    expect(api.stdout).toMatch(/^10\.96\.200\.20\s+api\.shop\.svc\.cluster\.local/);
    const conf = await t.engine.exec(IPT, 'node2/api-1', ['cat', '/etc/resolv.conf']);
    expect(conf.stdout).toBe('search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('hostPort 8081 on node2 reaches api-1 through the portmap plugin\'s chains', async () => {
    const [answer] = await curls(IPT, 'internet', `http://${await underlayOf(IPT, 'node2')}:8081/`, 1);
    expect(answer).toMatchObject({ pod: 'api-1', node: 'node2' });
    const save = (await t.engine.exec(IPT, 'node2', ['iptables-save', '-t', 'nat'])).stdout;
    expect(save).toMatch(/-A CNI-DN-[0-9a-f]{21} -p tcp -m tcp --dport 8081 -j DNAT --to-destination 10\.244\.2\.4:9000/);
  });

  it('nftables mode: the same curls pass, and the table holds the service-ips element of default/web', async () => {
    for (const from of ['node1/client', 'node2']) {
      const pods = new Set((await curls(NFT, from, `http://${WEB}/`, 30)).map((a) => a.pod));
      expect([...pods].sort(), from).toEqual(WEB_PODS);
    }
    const [viaNodePort] = await curls(NFT, 'internet', `http://${await underlayOf(NFT, 'node1')}:30080/`, 1);
    expect(WEB_PODS).toContain(viaNodePort!.pod);
    const table = (await t.engine.exec(NFT, 'node1', ['nft', 'list', 'table', 'ip', 'kube-proxy'])).stdout;
    expect(table).toMatch(/10\.96\.100\.10 \. tcp \. 80 : goto service-[A-Z2-7]{8}-default\/web\/tcp\/http/);
    expect((await t.engine.exec(NFT, 'node1/client', ['getent', 'hosts', 'web'])).stdout).toMatch(/^10\.96\.100\.10\s/);
    const web = (await t.engine.inspect(NFT)).hosts[0]!.services!;
    expect(web.mode).toBe('nftables');
    expect(web.services.find((s) => s.name === 'web')!.ports[0]!.endpoints.map((e) => e.ip)).toEqual(['10.244.1.2', '10.244.2.2', '10.244.2.3']);
  });

  it('inspect reports the services; deleting one KUBE-SEP DNAT rule removes that endpoint and fails the readiness check', async () => {
    const webOn = (h: HostState | undefined) => h!.services!.services.find((s) => s.namespace === 'default' && s.name === 'web')!.ports[0]!;
    const before = webOn((await t.engine.inspect(IPT)).hosts.find((h) => h.name === 'node1'));
    expect(before).toMatchObject({ clusterIP: WEB, port: 80, nodePort: 30080, externalTrafficPolicy: 'Cluster' });
    expect(before.endpoints.map((e) => [e.ip, e.probability])).toEqual([
      ['10.244.1.2', 0.33333333349],
      ['10.244.2.2', 0.5],
      ['10.244.2.3', null],
    ]);
    const sep = before.endpoints[0]!.chain;
    const rule = [sep, '-p', 'tcp', '-m', 'comment', '--comment', 'default/web:http', '-m', 'tcp', '-j', 'DNAT', '--to-destination', '10.244.1.2:8080'];
    expect((await t.engine.exec(IPT, 'node1', ['iptables', '-t', 'nat', '-D', ...rule])).code).toBe(0);
    try {
      const snapshot = await t.engine.inspect(IPT);
      const after = webOn(snapshot.hosts.find((h) => h.name === 'node1'));
      expect(after.endpoints.map((e) => e.ip)).toEqual(['10.244.2.2', '10.244.2.3']);
      const { plan } = await t.engine.plan({ text: IPT_TEXT, file: `${IPT}.yaml` });
      // The kube-proxy part of the check (the plan's addresses are those of a fresh allocation, not the running lab's).
      const kubeOnly = { ...plan, hosts: plan.hosts.map((h) => ({ ...h, expected: h.expected.filter((e) => e.kind === 'kube-service') })) };
      const problems = readinessProblems(kubeOnly, new Map([...snapshot.hosts, snapshot.internet!].map((h) => [h.name, h])));
      expect(problems).toEqual(['node1: service default/web has 2 of its 3 endpoints in kube-proxy\'s rules']);
    } finally {
      await t.engine.exec(IPT, 'node1', ['iptables', '-t', 'nat', '-A', ...rule]);
    }
    expect(webOn((await t.engine.inspect(IPT)).hosts.find((h) => h.name === 'node1')).endpoints).toHaveLength(3);
  });
});
