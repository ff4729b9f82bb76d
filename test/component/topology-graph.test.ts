import { describe, expect, it } from 'vitest';
import { buildTopologyGraph, type GraphNode } from '../../src/renderer/src/topology/topology-graph';
import { layoutTopology } from '../../src/renderer/src/topology/topology-layout';
import { detailsFor } from '../../src/renderer/src/topology/details/details-model';
import { observed, withoutRoute } from './fixtures';

const node = (nodes: GraphNode[], id: string) => nodes.find((n) => n.id === id);

describe('topology graph from an observed flannel-vxlan snapshot', () => {
  const g = buildTopologyGraph(observed('flannel-vxlan'));

  it('draws the underlay, both hosts with their underlay address, their interfaces and every pod with its IP', () => {
    expect(node(g.nodes, 'underlay')?.label).toBe('underlay  198.18.0.0/24');
    expect(node(g.nodes, 'host:host1')?.label).toBe('host1  198.18.0.11');
    expect(node(g.nodes, 'host:host2')?.label).toBe('host2  198.18.0.12');
    expect(node(g.nodes, 'if:host1:eth0')?.label).toBe('eth0\n198.18.0.11/24');
    expect(node(g.nodes, 'if:host1:cni0')?.label).toBe('cni0\nbridge · MTU 1450\n10.2.1.1/24');
    expect(node(g.nodes, 'if:host1:flannel.1')?.label).toBe('flannel.1\nVNI 1 · MTU 1450\n72:85:41:41:b4:e4\n10.2.1.0/32');
    const pods = g.nodes.filter((n) => n.kind === 'pod').map((n) => `${n.parent} ${n.label.replace('\n', ' ')}`);
    expect(pods).toEqual(['host:host1 a 10.2.1.2', 'host:host1 b 10.2.1.3', 'host:host2 b 10.2.3.10', 'host:host2 c 10.2.3.2']);
    // Host ends of the pods' veths are drawn as the pod's link, not as boxes.
    expect(g.nodes.some((n) => n.label.startsWith('veth'))).toBe(false);
  });

  it('plugs each pod into its bridge through its veth peer, and each host into the underlay', () => {
    const veths = g.edges.filter((e) => e.kind === 'veth').map((e) => `${e.source} -> ${e.target}`);
    expect(veths).toEqual(['pod:host1:a -> if:host1:cni0', 'pod:host1:b -> if:host1:cni0', 'pod:host2:b -> if:host2:cni0', 'pod:host2:c -> if:host2:cni0']);
    expect(g.edges.filter((e) => e.kind === 'underlay-link').map((e) => `${e.source} -> ${e.target}`)).toEqual(['if:host1:eth0 -> tap:host1', 'if:host2:eth0 -> tap:host2']);
  });

  it('draws one VXLAN tunnel per fdb entry, labelled with the routes into it', () => {
    const tunnels = g.edges.filter((e) => e.kind === 'tunnel').map((e) => `${e.source} -> ${e.target}: ${e.label}`);
    expect(tunnels).toEqual(['if:host1:flannel.1 -> if:host2:flannel.1: 10.2.3.0/24', 'if:host2:flannel.1 -> if:host1:flannel.1: 10.2.1.0/24']);
  });

  it('marks the tunnel broken when the route into it is deleted', () => {
    const after = buildTopologyGraph(withoutRoute(observed('flannel-vxlan'), 'host1', '10.2.3.0/24'));
    const t = after.edges.find((e) => e.kind === 'tunnel' && e.source === 'if:host1:flannel.1')!;
    expect(t.label).toBe('no route');
    expect(t.classes).toContain('broken');
    expect(after.edges.find((e) => e.kind === 'tunnel' && e.source === 'if:host2:flannel.1')!.classes).not.toContain('broken');
  });

  it('lays every node out deterministically, without overlaps inside a host', () => {
    const boxes = layoutTopology(g);
    expect(layoutTopology(g)).toEqual(boxes);
    for (const n of g.nodes.filter((x) => x.kind !== 'host')) expect(boxes.has(n.id), n.id).toBe(true);
    const inHost1 = g.nodes.filter((n) => n.parent === 'host:host1').map((n) => boxes.get(n.id)!);
    for (const [i, a] of inHost1.entries())
      for (const b of inHost1.slice(i + 1)) expect(Math.abs(a.x - b.x) * 2 >= a.w + b.w || Math.abs(a.y - b.y) * 2 >= a.h + b.h).toBe(true);
    // Host 2's VXLAN device faces host 1: the tunnel does not cross host 2's NIC.
    expect(boxes.get('if:host2:flannel.1')!.x).toBeLessThan(boxes.get('if:host2:eth0')!.x);
  });
});

describe('many hosts', () => {
  it('draws a dense overlay mesh faint, except broken tunnels', () => {
    const two = observed('flannel-vxlan');
    expect(buildTopologyGraph(two).edges.some((e) => e.classes.includes('dense'))).toBe(false);
    // Six hosts: the two observed ones and four more named copies of them.
    const six = structuredClone(two);
    for (let i = 3; i <= 6; i++) six.hosts.push({ ...structuredClone(two.hosts[i % 2]!), name: `host${i}`, underlayIp: `198.18.0.${10 + i}` });
    six.hosts[0]!.routes = six.hosts[0]!.routes.filter((r) => r.dst !== '10.2.3.0/24');
    const g = buildTopologyGraph(six);
    const tunnels = g.edges.filter((e) => e.kind === 'tunnel');
    expect(tunnels.every((e) => e.classes.includes('dense'))).toBe(true);
    expect(tunnels.filter((e) => e.classes.includes('broken')).map((e) => e.source)).toEqual(['if:host1:flannel.1']);
    const boxes = layoutTopology(g);
    // Beyond three hosts, half of them sit above the underlay bar, half below.
    expect(boxes.get('if:host1:eth0')!.y).toBeLessThan(0);
    expect(boxes.get('if:host6:eth0')!.y).toBeGreaterThan(0);
  });
});

describe('topology graph for other backends', () => {
  it('host-gw: routes to a peer via its underlay address', () => {
    const g = buildTopologyGraph(observed('host-gw'));
    expect(g.edges.filter((e) => e.kind === 'route').map((e) => `${e.source} -> ${e.target}: ${e.label}`)).toEqual([
      'if:host1:eth0 -> if:host2:eth0: 10.2.3.0/24',
      'if:host2:eth0 -> if:host1:eth0: 10.2.1.0/24',
    ]);
    expect(g.edges.some((e) => e.kind === 'tunnel')).toBe(false);
  });

  it('port publishing: the DNAT rule as a port on the host, pointing at the container', () => {
    const g = buildTopologyGraph(observed('port-publish'));
    const port = g.nodes.find((n) => n.kind === 'port')!;
    expect(port.parent).toBe('host:host2');
    expect(port.label).toBe('tcp :8080\n→ 172.17.0.2:80');
    expect(g.edges.find((e) => e.kind === 'port')).toMatchObject({ source: port.id, target: 'pod:host2:web' });
    expect(g.nodes.find((n) => n.id === 'if:host1:docker0')?.classes).toContain('bridge');
  });

  it('masquerade: the internet node on the underlay, and the hosts\u2019 default routes to it', () => {
    const g = buildTopologyGraph(observed('masquerade'));
    expect(g.nodes.find((n) => n.id === 'internet')?.label).toBe('internet\n203.0.113.10');
    expect(g.edges.filter((e) => e.kind === 'route').map((e) => `${e.source} -> ${e.target}: ${e.label}`)).toEqual([
      'if:host1:eth0 -> internet: default',
      'if:host2:eth0 -> internet: default',
    ]);
    expect(layoutTopology(g).has('internet')).toBe(true);
  });
});

describe('pods a NetworkPolicy isolates (kube-router rules read back)', () => {
  const s = observed('flannel-vxlan');
  const chain = 'KUBE-POD-FW-REGS2FXCPLAPRXIC';
  const host1 = s.hosts.find((h) => h.name === 'host1')!;
  const podA = { namespace: 'default', name: 'a', ip: '10.2.1.2', chain, isolatedIngress: true, isolatedEgress: false, policies: [], reject: `-A ${chain} -j REJECT` };
  const podB = { ...podA, name: 'b', ip: '10.2.1.3', chain: 'KUBE-POD-FW-X', isolatedIngress: false };
  host1.netpol = { enforced: true, pods: [podA, podB], policies: [], ipsets: [], chains: [chain] };
  host1.iptables.filter = [...host1.iptables.filter, `:${chain} - [0:0]`, `-A ${chain} -m comment --comment "default/a reject" -m mark ! --mark 0x10000/0x10000 -j REJECT`];
  const g = buildTopologyGraph(s);

  it('marks them; the others are drawn as before', () => {
    expect(node(g.nodes, 'pod:host1:a')).toMatchObject({ label: 'a\n10.2.1.2', classes: ['pod', 'isolated'] });
    expect(node(g.nodes, 'pod:host1:b')).toMatchObject({ label: 'b\n10.2.1.3', classes: ['pod'] });
    expect(node(g.nodes, 'pod:host2:b')?.classes).toEqual(['pod']);
  });

  it("a pod's details name the isolation and list its firewall chain", () => {
    const d = detailsFor(s, { kind: 'pod', host: 'host1', pod: 'a' })!;
    expect(d.facts).toContainEqual(['NetworkPolicy', `isolated for ingress (kube-router chain ${chain})`]);
    expect(d.rules).toEqual([{ caption: `its firewall chain ${chain} (iptables -t filter)`, lines: [expect.stringContaining('"default/a reject"')] }]);
    expect(detailsFor(s, { kind: 'pod', host: 'host1', pod: 'b' })!.rules).toEqual([]);
  });
});
