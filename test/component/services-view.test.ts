// Kubernetes Services in the renderer, from a snapshot whose hosts carry
// kube-proxy's real iptables rules and the Services the engine's parser reads
// back from them (test/helpers/services-fixture.ts): the diagram's virtual-IP
// nodes, endpoint edges and node-port badges, the outline, the inspector's
// chain walk on a chosen host, the Legend's switch, and the Services as
// Capture and Path destinations. A KUBE-SEP rule deleted on one node (as a
// learner would in a terminal) changes all of them.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import CapturePanel from '../../src/renderer/src/capture/CapturePanel.svelte';
import { CapturesStore } from '../../src/renderer/src/capture/captures-store.svelte';
import PathPanel from '../../src/renderer/src/path/PathPanel.svelte';
import { PathStore } from '../../src/renderer/src/path/path-store.svelte';
import { clusterServices } from '../../src/renderer/src/topology/cluster-services';
import DetailsPanel from '../../src/renderer/src/topology/details/DetailsPanel.svelte';
import { serviceDetails } from '../../src/renderer/src/topology/details/service-details';
import Legend from '../../src/renderer/src/topology/Legend.svelte';
import Outline from '../../src/renderer/src/topology/Outline.svelte';
import { buildOutline } from '../../src/renderer/src/topology/outline-model';
import { serviceCapture, serviceDestinations, servicePathDestinations } from '../../src/renderer/src/topology/service-destinations';
import { endpointEdgeId, nodePortId, serviceId } from '../../src/renderer/src/topology/service-graph';
import { buildTopologyGraph } from '../../src/renderer/src/topology/topology-graph';
import { layoutTopology } from '../../src/renderer/src/topology/topology-layout';
import { TopologyStore } from '../../src/renderer/src/topology/topology-store.svelte';
import type { Snapshot } from '../../src/shared/snapshot';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseKubeServicesNft } from '../../src/engine/observe/parse-kube-nft';
import base from '../fixtures/nodes3-snapshot.json';
import recorded from '../fixtures/services-snapshot.json';
import { withHeadlessDb } from '../helpers/headless-service';
import { withServices } from '../helpers/services-fixture';
import { ContractDouble } from './contract-double';

const services = () => structuredClone(recorded) as unknown as Snapshot;
/** web-2's KUBE-SEP jump deleted from node2's KUBE-SVC chain (`iptables -t nat -D KUBE-SVC-… …`). */
const WEB2_JUMP = /^-A KUBE-SVC-CDGGSHYLG3RE2FKL .*-> 10\.244\.2\.2:8080.*\n/m;
const withoutWeb2OnNode2 = () => withServices(structuredClone(base) as unknown as Snapshot, { edit: (node, saved) => (node === 'node2' ? saved.replace(WEB2_JUMP, '') : saved) });

describe('the Services fixture', () => {
  it('is what the engine makes of the rules today (regenerate with node scripts/services-fixture.mjs)', () => {
    expect(withServices(structuredClone(base) as unknown as Snapshot)).toEqual(services());
  });
});

describe('Services on the diagram', () => {
  const g = buildTopologyGraph(services());
  const node = (id: string) => g.nodes.find((n) => n.id === id);
  const edge = (id: string) => g.edges.find((e) => e.id === id);

  it('draws a virtual-IP node per Service: its name, ClusterIP:ports and type', () => {
    expect(g.nodes.filter((n) => n.kind === 'service').map((n) => n.label)).toEqual([
      'api\n10.96.100.20:80\nClusterIP',
      'kubernetes\n10.96.0.1:443\nClusterIP',
      'web\n10.96.100.10:80\nNodePort 30080',
      'web-local\n10.96.100.11:80\nNodePort 30081 · Local',
      'kube-system/kube-dns\n10.96.0.10:53,9153\nClusterIP · tcp+udp',
    ]);
    expect(node(serviceId('default/web'))?.sel).toEqual({ kind: 'service', service: 'default/web' });
  });

  it('joins each to its endpoint pods (the apiserver: its host) with the share and the rule’s probability', () => {
    const web = g.edges.filter((e) => e.source === serviceId('default/web'));
    expect(web.map((e) => [e.target, e.label])).toEqual([
      ['pod:node1:web-1', '33% · p 0.3333'],
      ['pod:node2:web-2', '33% · p 0.5'],
      ['pod:node3:web-3', '33% · p rest'],
    ]);
    expect(edge(endpointEdgeId('default/api', '10.244.2.3'))).toMatchObject({ target: 'pod:node2:api-1', label: '100%' });
    expect(edge(endpointEdgeId('default/kubernetes', '198.18.0.11'))?.target).toBe('host:node1');
  });

  it('puts a badge per node port on every host, marked where the host drops it (Local, no local endpoint)', () => {
    const badge = (host: string, port: number) => node(nodePortId(host, port, 'tcp'));
    for (const host of ['node1', 'node2', 'node3']) expect(badge(host, 30080)).toMatchObject({ label: '30080', anchor: `host:${host}`, classes: ['nodeport', 'ok'] });
    expect(badge('node1', 30081)?.classes).toEqual(['nodeport', 'ok']);
    expect(badge('node2', 30081)?.classes).toEqual(['nodeport', 'drop']);
    expect(badge('node3', 30081)?.sel).toEqual({ kind: 'service', service: 'default/web-local', host: 'node3' });
  });

  it('places the Services in a row under the hosts and the badges on their host’s left edge', () => {
    const boxes = layoutTopology(g);
    const hostBottom = Math.max(...g.nodes.filter((n) => n.kind === 'pod').map((n) => boxes.get(n.id)!.y + boxes.get(n.id)!.h / 2));
    const row = g.nodes.filter((n) => n.kind === 'service').map((n) => boxes.get(n.id)!);
    for (const b of row) expect(b.y - b.h / 2).toBeGreaterThan(hostBottom);
    const sorted = [...row].sort((a, b) => a.x - b.x);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.x - sorted[i]!.w / 2).toBeGreaterThanOrEqual(sorted[i - 1]!.x + sorted[i - 1]!.w / 2);
    const pod1 = boxes.get('pod:node1:client')!;
    const badge = boxes.get(nodePortId('node1', 30080, 'tcp'))!;
    expect(badge.x).toBeLessThan(pod1.x - pod1.w / 2);
  });

  it('is drawn without them when the Legend’s switch is off, and without them for a lab without kube-proxy', () => {
    const off = buildTopologyGraph(services(), { services: false });
    expect(off.nodes.some((n) => n.kind === 'service' || n.kind === 'nodeport')).toBe(false);
    expect(off.edges.some((e) => e.kind === 'endpoint')).toBe(false);
    expect(clusterServices(structuredClone(base) as unknown as Snapshot)).toBeNull();
  });

  it('marks an endpoint whose KUBE-SEP jump is gone on one node, and says where; the last rule there takes its share', () => {
    const broken = buildTopologyGraph(withoutWeb2OnNode2());
    const label = (ip: string) => broken.edges.find((e) => e.id === endpointEdgeId('default/web', ip))!;
    expect(label('10.244.2.2').classes).toContain('partial');
    expect(label('10.244.2.2').label).toBe('33% · p 0.5\nnot on node2');
    expect(label('10.244.1.2').label).toBe('33% · p 0.3333');
    // node2 still has 0.33333333349 for web-1: the final rule (web-3) takes the other two thirds there.
    expect(label('10.244.3.2').label).toBe('33% / 67%');
  });

  it('draws a headless Service without a virtual IP, dashed to its endpoints', () => {
    const h = buildTopologyGraph(withHeadlessDb(services()));
    expect(h.nodes.find((n) => n.id === serviceId('default/db'))).toMatchObject({ label: 'db\nno virtual IP · :5432\nheadless', classes: ['service', 'headless'] });
    expect(h.edges.find((e) => e.source === serviceId('default/db'))).toMatchObject({ target: 'pod:node3:db-1', label: '', classes: ['endpoint', 'headless'] });
  });
});

describe('a lab with many Services', () => {
  /** `copies` more Services like default/web on every host (web-0 … at 10.96.200.x). */
  const many = (copies: number) => {
    const s = services();
    for (const h of s.hosts) {
      const web = h.services!.services.find((x) => x.name === 'web')!;
      for (let i = 0; i < copies; i++) {
        const copy = structuredClone(web);
        copy.name = `web-${i}`;
        for (const p of copy.ports) p.clusterIP = `10.96.200.${i + 1}`;
        h.services!.services.push(copy);
      }
    }
    return s;
  };

  it('leaves them out of the drawing until the Legend asks (more than 12), and then wraps them in rows as wide as the hosts', () => {
    const store = new TopologyStore(new ContractDouble());
    store.snapshot = many(2);
    expect([store.serviceCount, store.showServices]).toEqual([7, true]);
    store.snapshot = many(20);
    expect([store.serviceCount, store.showServices]).toEqual([25, false]);
    expect(store.graph!.nodes.some((n) => n.kind === 'service')).toBe(false);
    store.showServices = true;
    const g = store.graph!;
    expect(g.nodes.filter((n) => n.kind === 'service')).toHaveLength(25);
    const boxes = layoutTopology(g);
    const hostsX = g.nodes.filter((n) => n.parent).map((n) => boxes.get(n.id)!);
    const [left, right] = [Math.min(...hostsX.map((b) => b.x - b.w / 2)) - 18, Math.max(...hostsX.map((b) => b.x + b.w / 2)) + 18];
    const row = g.nodes.filter((n) => n.kind === 'service').map((n) => boxes.get(n.id)!);
    for (const b of row) expect([b.x - b.w / 2 >= left - 0.5, b.x + b.w / 2 <= right + 0.5]).toEqual([true, true]);
    expect(new Set(row.map((b) => b.y)).size).toBeGreaterThan(2);
    store.dispose();
  });
});

describe('a Service in the inspector', () => {
  it('walks a new connection through the chains as the chosen host has them, with the probabilities iptables-save prints', () => {
    const d = serviceDetails(services(), 'default/web', 'node2')!;
    expect(d.title).toBe('web');
    expect(d.hosts).toEqual({ choices: ['node1', 'node2', 'node3'], shown: 'node2' });
    expect(d.facts).toContainEqual(['virtual IP', '10.96.100.10']);
    const walk = d.tables[0]!;
    expect(walk.caption).toBe("http 80/tcp: a new connection's way on node2");
    expect(walk.rows.slice(0, 3)).toEqual([
      ['KUBE-SERVICES', '-d 10.96.100.10 tcp dport 80', 'KUBE-SVC-CDGGSHYLG3RE2FKL'],
      ['KUBE-SVC-CDGGSHYLG3RE2FKL', 'statistic random --probability 0.33333333349', 'KUBE-SEP-UIQK3OSOSTRHRPBX'],
      ['KUBE-SEP-UIQK3OSOSTRHRPBX', '', 'DNAT → 10.244.1.2:8080 (web-1 on node1, 33%)'],
    ]);
    expect(walk.rows).toContainEqual(['KUBE-SVC-CDGGSHYLG3RE2FKL', 'statistic random --probability 0.50000000000', 'KUBE-SEP-4EX2N4PG4ASNZOBF']);
    expect(walk.rows).toContainEqual(['KUBE-NODEPORTS', 'tcp dport 30080 (any local address)', 'KUBE-EXT-CDGGSHYLG3RE2FKL']);
    expect(d.rules[0]!.caption).toBe('http 80/tcp: rules on node2 (iptables-save)');
    expect(d.rules[0]!.lines).toContain('-A KUBE-SEP-4EX2N4PG4ASNZOBF -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.2.2:8080');
  });

  it('says which nodes drop a Local node port, and shows the chosen node’s (empty) local endpoints', () => {
    const d = serviceDetails(services(), 'default/web-local', 'node2')!;
    expect(d.facts).toContainEqual(['no local endpoint', 'node2, node3: node port 30081 is dropped there']);
    expect(d.tables[0]!.rows).toContainEqual(['KUBE-EXTERNAL-SERVICES (filter)', 'tcp dport 30081 (local address)', 'DROP: no local endpoints']);
    expect(d.tables.find((t) => t.caption.startsWith('http 80/tcp: local endpoints on node2'))?.rows).toEqual([]);
    const node1 = serviceDetails(services(), 'default/web-local', 'node1')!;
    expect(node1.tables.find((t) => t.caption.startsWith('http 80/tcp: local endpoints on node1'))?.rows.map((r) => r[0])).toEqual(['10.244.1.3:8080']);
  });

  it('follows a deleted KUBE-SEP jump: gone on that node, whose final rule now takes two thirds', () => {
    const d = serviceDetails(withoutWeb2OnNode2(), 'default/web', 'node2')!;
    expect(d.facts).toContainEqual(['endpoint 10.244.2.2 missing on', 'node2']);
    expect(d.tables[1]!.rows.map((r) => [r[0], r[3]])).toEqual([
      ['10.244.1.2:8080', '33%'],
      ['10.244.3.2:8080', '67%'],
    ]);
  });

  it('lets the panel switch the host whose rules it shows, and starts from the selection’s own', async () => {
    const sel = { kind: 'service' as const, service: 'default/web-local', host: 'node3' };
    render(DetailsPanel, { snapshot: services(), selection: sel, onterminal: vi.fn() });
    const details = screen.getByTestId('details');
    const host = screen.getByTestId('details-host') as HTMLSelectElement;
    expect(host.value).toBe('node3');
    expect(details).toHaveTextContent('local endpoints on node3');
    await fireEvent.change(host, { target: { value: 'node1' } });
    expect(details).toHaveTextContent('local endpoints on node1 (externalTrafficPolicy Local) 1');
    expect(details).toHaveTextContent('10.244.1.3:8080local-1 on node1');
  });
});

describe('a Service in nftables mode', () => {
  /** Every host with the `ip kube-proxy` table a real node listed (test/fixtures/kube-proxy-nft-node1.*, another cluster's addresses). */
  const nft = () => {
    const fixture = (name: string) => readFileSync(resolve('test/fixtures', name), 'utf8');
    const observed = parseKubeServicesNft(fixture('kube-proxy-nft-node1.json'), fixture('kube-proxy-nft-node1.txt'));
    const s = structuredClone(base) as unknown as Snapshot;
    for (const h of s.hosts) h.services = structuredClone(observed);
    return s;
  };

  it('walks the service-ips and service-nodeports maps to the service-, endpoint- and local- chains', () => {
    const d = serviceDetails(nft(), 'default/web-local', 'node1')!;
    expect(d.facts).toContainEqual(['observed on', 'node1 (kube-proxy nftables mode)']);
    expect(d.tables[0]!.rows).toEqual([
      ['service-ips (map)', '10.96.100.11 . tcp . 80', 'goto service-MW3VTDQO-default/web-local/tcp/http'],
      ['service-MW3VTDQO-default/web-local/tcp/http', 'numgen random mod 1', 'endpoint-MPTVSHLC-default/web-local/tcp/http__10.244.1.8/8080'],
      ['endpoint-MPTVSHLC-default/web-local/tcp/http__10.244.1.8/8080', '', 'dnat to 10.244.1.8:8080 (outside the lab, 100%)'],
      ['service-nodeports (map)', 'tcp . 30081', 'goto external-MW3VTDQO-default/web-local/tcp/http'],
      ['external-MW3VTDQO-default/web-local/tcp/http', '', 'goto local-MW3VTDQO-default/web-local/tcp/http'],
      ['local-MW3VTDQO-default/web-local/tcp/http', 'numgen random mod 1', 'endpoint-MPTVSHLC-default/web-local/tcp/http__10.244.1.8/8080'],
      ['endpoint-MPTVSHLC-default/web-local/tcp/http__10.244.1.8/8080', '', 'dnat to 10.244.1.8:8080 (outside the lab, 100%)'],
    ]);
    expect(d.rules[0]!.caption).toBe('http 80/tcp: rules on node1 (nft list table ip kube-proxy)');
    expect(serviceDetails(nft(), 'default/web', 'node1')!.tables[1]!.rows.map((r) => r[2])).toEqual(['numgen 1/3', 'numgen 1/3', 'numgen 1/3']);
    expect(serviceDetails(nft(), 'default/empty', 'node1')!.tables[0]!.rows).toEqual([
      ['no-endpoint-services (map)', '10.96.100.13 . tcp . 80', 'reject: no endpoints'],
      ['no-endpoint-nodeports (map)', 'tcp . 30082', 'reject: no endpoints'],
    ]);
  });

  it('labels an only endpoint 100% (numgen mod 1) and the others with their 1/N', () => {
    const g = buildTopologyGraph(nft());
    expect(g.edges.find((e) => e.id === endpointEdgeId('kube-system/kube-dns', '10.244.2.2'))?.label).toBe('100%');
  });
});

describe('Services in the outline', () => {
  it('lists each with its virtual IP, type and endpoints’ shares, and selects one with Enter', async () => {
    const onselect = vi.fn();
    render(Outline, { snapshot: services(), selection: null, onselect, onterminal: vi.fn() });
    const items = within(screen.getByTestId('outline-services')).getAllByTestId('outline-service');
    expect(items).toHaveLength(5);
    const item = items.find((i) => i.textContent?.includes('service web '))!;
    expect(item).toHaveTextContent('service web 10.96.100.10:80 NodePort 30080 · → 10.244.1.2 33%, 10.244.2.2 33%, 10.244.3.2 33%');
    const web = within(item).getByRole('button');
    web.focus();
    expect(document.activeElement).toBe(web);
    await fireEvent.click(web); // a button: Enter and Space click it
    expect(onselect).toHaveBeenCalledWith({ kind: 'service', service: 'default/web' });
  });

  it('marks a Service one of whose endpoints some node lacks, and hides them with the Legend’s switch', () => {
    const broken = buildOutline(withoutWeb2OnNode2()).services!.find((i) => i.key === 'svc:default/web')!;
    expect(broken.broken).toBe(true);
    expect(broken.detail).toBe('NodePort 30080 · → 10.244.1.2 33%, 10.244.2.2 33%, 10.244.3.2 33%/67% · 10.244.2.2 missing on node2');
    expect(buildOutline(services(), { services: false }).services).toBeNull();
  });

  it('has a Legend switch that is shown only for a lab with kube-proxy', async () => {
    const view = render(Legend, { id: 'legend', services: true, showServices: true });
    const toggle = screen.getByTestId('legend-services') as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    expect(screen.getByText(/Service: its virtual IP/)).toBeInTheDocument();
    await fireEvent.click(toggle);
    expect(toggle.checked).toBe(false);
    expect(screen.queryByText(/Service: its virtual IP/)).toBeNull();
    view.unmount();
    render(Legend, { id: 'legend2' });
    expect(screen.queryByTestId('legend-services')).toBeNull();
  });
});

describe('Services as Capture and Path destinations', () => {
  it('offers every ClusterIP:port and host:nodePort with a filter that sees both sides of the DNAT', () => {
    const d = serviceDestinations(services());
    expect(d.map((x) => x.key)).toEqual([
      '10.96.100.20:80/tcp',
      '10.96.0.1:443/tcp',
      '10.96.100.10:80/tcp',
      '10.96.100.11:80/tcp',
      '10.96.0.10:53/tcp',
      '10.96.0.10:9153/tcp',
      '10.96.0.10:53/udp',
      'node1:30080/tcp',
      'node2:30080/tcp',
      'node3:30080/tcp',
      'node1:30081/tcp',
      'node2:30081/tcp',
      'node3:30081/tcp',
    ]);
    expect(d.find((x) => x.key === '10.96.100.10:80/tcp')!.filter).toBe('(host 10.96.100.10 and tcp port 80) or (host 10.244.1.2 and tcp port 8080) or (host 10.244.2.2 and tcp port 8080) or (host 10.244.3.2 and tcp port 8080)');
    expect(d.find((x) => x.key === 'node2:30081/tcp')).toMatchObject({ host: 'node2', address: '198.18.0.12', filter: '(host 198.18.0.12 and tcp port 30081) or (host 10.244.1.3 and tcp port 8080)' });
    expect(servicePathDestinations(services()).map((x) => x.label)).toEqual([
      'api 10.96.100.20 (ClusterIP)',
      'kubernetes 10.96.0.1 (ClusterIP)',
      'web 10.96.100.10 (ClusterIP)',
      'web-local 10.96.100.11 (ClusterIP)',
      'kube-system/kube-dns 10.96.0.10 (ClusterIP)',
    ]);
  });

  it('a Service chosen on the diagram is captured where its traffic is: a node port on its node, a ClusterIP where its first endpoint is', () => {
    expect(serviceCapture(services(), 'default/web', 'node3')).toEqual({ target: 'node3', iface: 'any', filter: expect.stringMatching(/^\(host 198\.18\.0\.13 and tcp port 30080\) or /) });
    expect(serviceCapture(services(), 'default/api')).toEqual({ target: 'node2', iface: 'any', filter: '(host 10.96.100.20 and tcp port 80) or (host 10.244.2.3 and tcp port 9000)' });
    expect(serviceCapture(withHeadlessDb(services()), 'default/db')).toBeNull();
  });

  it('Capture: a node port captures on its node (any interface) with that filter', async () => {
    const api = new ContractDouble();
    api.handle('capture:start', () => undefined);
    render(CapturePanel, { store: new CapturesStore(api), lab: 'services-ui-fx', snapshot: services(), preset: null });
    await fireEvent.change(screen.getByTestId('capture-service'), { target: { value: 'node2:30080/tcp' } });
    expect((screen.getByTestId('capture-target') as HTMLSelectElement).value).toBe('node2');
    expect((screen.getByTestId('capture-iface') as HTMLSelectElement).value).toBe('any');
    await fireEvent.click(screen.getByRole('button', { name: 'Start capture' }));
    expect(api.callsTo('capture:start')).toEqual([expect.objectContaining({ lab: 'services-ui-fx', target: 'node2', iface: 'any', filter: expect.stringMatching(/^\(host 198\.18\.0\.12 and tcp port 30080\) or /) })]);
  });

  it('Path: a ClusterIP is a destination, with why a ping to it is not translated', async () => {
    const api = new ContractDouble();
    render(PathPanel, { store: new PathStore(api), lab: 'services-ui-fx', snapshot: services(), preset: null });
    const to = screen.getByTestId('path-to') as HTMLSelectElement;
    expect([...to.options].map((o) => o.textContent)).toContain('web 10.96.100.10 (ClusterIP)');
    expect(screen.queryByTestId('path-service-note')).toBeNull();
    await fireEvent.change(to, { target: { value: '10.96.100.10' } });
    expect(screen.getByTestId('path-service-note')).toHaveTextContent('10.96.100.10 is a Service\u2019s virtual IP'.replace('\u2019', "'"));
  });
});
