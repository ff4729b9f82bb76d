// NetworkPolicy on a real lab (issue 13), one lab built once for every case
// (test/fixtures/netpol-lab.yaml): two flannel vxlan nodes with kube-proxy,
// the cluster DNS and the internet node; kube-router's rules from the lab
// file's networkPolicies. Connections are judged by the kernel: an allowed
// curl gets web's answer, a denied one is refused at once (kube-router
// REJECTs), same-node (bridged on cni0) and cross-node (through flannel.1);
// `podnet path` names the policy behind the REJECT that stopped a probe.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeWithDocker } from '../helpers/docker-required';
import { labObjects } from '../helpers/docker-objects';
import { useLabs } from '../helpers/lab-fixture';

const LAB = 'it-netpol';
const TEXT = readFileSync(new URL('../fixtures/netpol-lab.yaml', import.meta.url), 'utf8').replace(/^name: .*$/m, `name: ${LAB}`);

const WEB_1 = '10.244.1.2'; // node1
const WEB_2 = '10.244.2.2'; // node2
const INTERNET = '203.0.113.10';
/** curl: 0 answered, 7 refused (kube-router's REJECT: no waiting for a timeout). */
const ANSWERED = 0;
const REFUSED = 7;

await describeWithDocker('NetworkPolicy on a lab (kube-router rules from networkPolicies:)', () => {
  const t = useLabs(TEXT);

  /** curl's exit code and the first line of what came back. */
  async function curl(from: string, url: string): Promise<{ code: number; answer: string }> {
    const r = await t.engine.exec(LAB, from, ['curl', '-sS', '-m', '3', url]);
    return { code: r.code, answer: r.stdout.split('\n')[0]! };
  }
  const dig = async (from: string) => (await t.engine.exec(LAB, from, ['dig', '+short', '+time=1', '+tries=1', 'web.default.svc.cluster.local'])).stdout.trim();

  it('web admits role=client on TCP 8080, same node and across nodes; a pod without the role is refused both ways', async () => {
    expect(await curl('node1/client-1', `http://${WEB_1}:8080/`)).toEqual({ code: ANSWERED, answer: expect.stringMatching(/^hello from web-1 \(node1, 10\.244\.1\.2:8080\), client 10\.244\.1\.3:\d+$/) });
    expect(await curl('node1/client-1', `http://${WEB_2}:8080/`)).toEqual({ code: ANSWERED, answer: expect.stringMatching(/^hello from web-2 /) });
    expect((await curl('node2/client-2', `http://${WEB_1}:8080/`)).code).toBe(ANSWERED);
    expect((await curl('node1/other-1', `http://${WEB_1}:8080/`)).code).toBe(REFUSED);
    expect((await curl('node1/other-1', `http://${WEB_2}:8080/`)).code).toBe(REFUSED);
    expect((await curl('node2/other-2', `http://${WEB_2}:8080/`)).code).toBe(REFUSED);
    // kube-router accepts ICMP echo for every pod: ping passes where curl is refused
    expect((await t.engine.exec(LAB, 'node1/other-1', ['ping', '-c1', '-W2', WEB_1])).code).toBe(0);
  });

  it('a pod of the shop namespace (team=shop) is admitted by the namespaceSelector', async () => {
    expect(await curl('node2/shop-1', `http://${WEB_1}:8080/`)).toEqual({ code: ANSWERED, answer: expect.stringMatching(/^hello from web-1 .*client 10\.244\.2\.5:\d+$/) });
    expect((await curl('node2/shop-1', `http://${WEB_2}:8080/`)).code).toBe(ANSWERED);
  });

  it('an ipBlock admits the internet node; the same block with the internet in its except range does not', async () => {
    expect(await curl('node1/locked', `http://${INTERNET}/`)).toEqual({ code: ANSWERED, answer: expect.stringMatching(/^hello from the-internet /) });
    expect((await curl('node1/fenced', `http://${INTERNET}/`)).code).toBe(REFUSED);
    // locked's egress allows the internet only: not web, not the cluster DNS
    expect((await curl('node1/locked', `http://${WEB_1}:8080/`)).code).toBe(REFUSED);
  });

  it('egress isolation breaks name resolution; an egress rule to kube-dns on 53 UDP/TCP restores it (and only it)', async () => {
    const svc = (await t.engine.exec(LAB, 'node1/client-1', ['dig', '+short', 'web.default.svc.cluster.local'])).stdout.trim();
    expect(svc).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(await dig('node1/locked')).not.toContain(svc);
    expect((await t.engine.exec(LAB, 'node1/locked', ['getent', 'hosts', 'web'])).code).not.toBe(0);
    expect(await dig('node2/dns-only')).toBe(svc);
    expect((await t.engine.exec(LAB, 'node2/dns-only', ['getent', 'hosts', 'web'])).stdout).toContain(svc);
    // by name or by address, web itself stays out of dns-only's reach
    expect((await curl('node2/dns-only', `http://${WEB_2}:8080/`)).code).toBe(REFUSED);
  });

  it('inspect reads the isolation back from iptables-save and ipset save', async () => {
    const snapshot = await t.engine.inspect(LAB);
    const isolated = (host: string) =>
      snapshot.hosts
        .find((h) => h.name === host)!
        .netpol!.pods.filter((p) => p.isolatedIngress || p.isolatedEgress)
        .map((p) => `${p.namespace}/${p.name} ${p.isolatedIngress ? 'in' : ''}${p.isolatedEgress ? 'out' : ''}`);
    expect(isolated('node1')).toEqual(['default/web-1 in', 'default/locked out', 'default/fenced out']);
    expect(isolated('node2')).toEqual(['default/web-2 in', 'default/dns-only out']);
    const policies = snapshot.hosts[0]!.netpol!.policies.map((p) => `${p.namespace}/${p.name}`).sort();
    expect(policies).toEqual(['default/dns-only', 'default/fenced-except-internet', 'default/locked-to-internet', 'default/web-from-client']);
    expect(snapshot.internet?.netpol ?? null).toBeNull();
  });

  it('podnet path names the policy whose pod REJECTed the probe (ingress cross-node, egress same-node)', async () => {
    const ingress = await t.engine.packetPath(LAB, 'node1/other-1', `node2/web-2:8080`);
    expect(ingress.ok).toBe(false);
    expect(ingress.trace?.stop).toMatchObject({
      node: 'node2',
      kind: 'rule',
      rule: { chain: expect.stringMatching(/^KUBE-POD-FW-/), verdict: 'reject' },
      netpol: { pod: 'default/web-2', direction: 'ingress', policies: ['default/web-from-client'] },
      text: expect.stringContaining('NetworkPolicy default/web-from-client isolates default/web-2 for ingress and no rule of it allows tcp 10.244.1.4 → 10.244.2.2:8080'),
    });
    const egress = await t.engine.packetPath(LAB, 'node1/locked', `node1/web-1:8080`);
    expect(egress.trace?.stop).toMatchObject({ node: 'node1', netpol: { pod: 'default/locked', direction: 'egress', policies: ['default/locked-to-internet'] } });
    // allowed: no stop
    expect((await t.engine.packetPath(LAB, 'node1/client-1', `node2/web-2:8080`)).trace?.stop ?? null).toBeNull();
  });

  it('down leaves nothing of the lab', async () => {
    await t.engine.down(LAB);
    expect(await labObjects(LAB)).toEqual([]);
  });
});
