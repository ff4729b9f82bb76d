// The packet's path on the diagram, from paths traced in real labs: every
// hop mapped to the element it happened at (pod, veth, bridge, flannel.1,
// uplink, underlay), the one tunnel arrow or route it took, where a broken
// ping was last seen — and the panel that lists the hops and says why.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import cytoscape from 'cytoscape';
import { describe, expect, it } from 'vitest';
import type { PacketPath } from '../../src/shared/path';
import type { Snapshot } from '../../src/shared/snapshot';
import PathPanel from '../../src/renderer/src/path/PathPanel.svelte';
import { pathHighlight } from '../../src/renderer/src/path/path-highlight';
import { PathStore } from '../../src/renderer/src/path/path-store.svelte';
import { applyHighlight } from '../../src/renderer/src/topology/cy-highlight';
import { buildTopologyGraph } from '../../src/renderer/src/topology/topology-graph';
import fixture from '../fixtures/packet-paths.json';
import { ContractDouble } from './contract-double';

const vxlan = fixture.vxlan as unknown as { snapshot: Snapshot; ok: PacketPath; broken: PacketPath };
const hostGw = fixture.hostGw as unknown as { snapshot: Snapshot; ok: PacketPath };

const vethOf = (s: Snapshot, host: string, pod: string) => {
  const h = s.hosts.find((x) => x.name === host)!;
  const peer = h.pods.find((p) => p.name === pod)!.interfaces.find((i) => i.name === 'eth0')!.peerIndex;
  return h.interfaces.find((i) => i.index === peer)!.name;
};

describe('pathHighlight', () => {
  const graph = buildTopologyGraph(vxlan.snapshot);
  const ids = new Set([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]);
  const tunnels = graph.edges.filter((e) => e.kind === 'tunnel');

  it('maps every hop of an echo request across VXLAN onto the diagram, through the one tunnel arrow it took', () => {
    const leg = vxlan.ok.request;
    expect(leg.hops[1]!.iface).toBe(vethOf(vxlan.snapshot, 'host1', 'a'));
    const h = pathHighlight(graph, vxlan.snapshot, leg);
    expect(h.reached).toBe(true);
    expect(h.lastSeen).toEqual([]);
    expect(h.hops).toEqual([
      ['pod:host1:a'],
      ['veth:host1:a'],
      ['if:host1:cni0'],
      ['if:host1:flannel.1'],
      ['if:host1:eth0'],
      ['link:host1', 'tap:host1', 'underlay'],
      ['link:host2', 'tap:host2', 'underlay'],
      ['if:host2:eth0'],
      ['if:host2:flannel.1'],
      ['if:host2:cni0'],
      ['veth:host2:b'],
      ['pod:host2:b'],
    ]);
    const toHost2 = tunnels.filter((t) => t.source === 'if:host1:flannel.1');
    expect(toHost2).toHaveLength(1);
    expect(h.ids).toContain(toHost2[0]!.id);
    // Not the arrow the other way, nothing of the pods that took no part.
    expect(h.ids.filter((id) => id.startsWith('tunnel:'))).toEqual([toHost2[0]!.id]);
    expect(h.ids.filter((id) => /:host1:b$|:host2:c$/.test(id))).toEqual([]);
    for (const id of h.ids) expect(ids.has(id)).toBe(true);
  });

  it('the reply comes back through the other arrow', () => {
    const h = pathHighlight(graph, vxlan.snapshot, vxlan.ok.reply);
    expect(h.ids.filter((id) => id.startsWith('tunnel:'))).toEqual(tunnels.filter((t) => t.source === 'if:host2:flannel.1').map((t) => t.id));
    expect(h.ids[0]).toBe('pod:host2:b');
    expect(h.ids.at(-1)).toBe('pod:host1:a');
  });

  it('a ping that breaks (no fdb entry for the VTEP) is lit up to host1\u2019s flannel.1, where it was last seen', () => {
    const leg = vxlan.broken.request;
    expect(leg.reached).toBe(false);
    const h = pathHighlight(graph, vxlan.snapshot, leg);
    expect(h.ids).toEqual(['pod:host1:a', 'veth:host1:a', 'if:host1:cni0', 'if:host1:flannel.1']);
    expect(h.lastSeen).toEqual(['if:host1:flannel.1']);
    const reply = pathHighlight(graph, vxlan.snapshot, vxlan.broken.reply);
    expect(reply).toEqual({ ids: [], lastSeen: [], hops: [], reached: false });
  });

  it('host-gw: the route arrow to the peer\u2019s uplink, no tunnel', () => {
    const g = buildTopologyGraph(hostGw.snapshot);
    const h = pathHighlight(g, hostGw.snapshot, hostGw.ok.request);
    const routes = g.edges.filter((e) => e.kind === 'route');
    expect(h.ids.filter((id) => id.startsWith('route:'))).toEqual(routes.filter((r) => r.source === 'if:host1:eth0').map((r) => r.id));
    expect(h.ids.some((id) => id.startsWith('tunnel:'))).toBe(false);
    expect(h.ids).toEqual(expect.arrayContaining(['pod:host1:a', 'if:host1:eth0', 'underlay', 'if:host2:eth0', 'pod:host2:b']));
  });

  it('puts the path on the Cytoscape elements, and takes it off again', () => {
    const cy = cytoscape({ headless: true, elements: [{ data: { id: 'pod:host1:a' } }, { data: { id: 'if:host1:flannel.1' } }, { data: { id: 'e', source: 'pod:host1:a', target: 'if:host1:flannel.1' } }] });
    applyHighlight(cy, { ids: ['pod:host1:a', 'e', 'if:host1:flannel.1'], lastSeen: ['if:host1:flannel.1'], hops: [], reached: false });
    expect(cy.$('.path').map((e) => e.id())).toEqual(['pod:host1:a', 'if:host1:flannel.1', 'e']);
    expect(cy.$('.path-last').map((e) => e.id())).toEqual(['if:host1:flannel.1']);
    applyHighlight(cy, null);
    expect(cy.$('.path, .path-last')).toHaveLength(0);
  });
});

describe('PathPanel', () => {
  it('traces a ping between two pods and lists its hops; a broken one says where it stopped and why', async () => {
    const api = new ContractDouble();
    api.handle('path:trace', () => vxlan.broken);
    const store = new PathStore(api);
    render(PathPanel, { store, lab: vxlan.snapshot.name, snapshot: vxlan.snapshot, preset: null });
    expect((screen.getByTestId('path-from') as HTMLSelectElement).value).toBe('host1/a');
    expect((screen.getByTestId('path-to') as HTMLSelectElement).value).toBe('host2/b');
    await fireEvent.click(screen.getByRole('button', { name: 'Trace a ping' }));
    expect(api.callsTo('path:trace')).toEqual([{ lab: vxlan.snapshot.name, from: 'host1/a', to: 'host2/b' }]);
    const result = await screen.findByTestId('path-result');
    expect(result).toHaveAttribute('data-ok', 'false');
    expect(screen.getByTestId('path-outcome')).toHaveTextContent('stopped — last seen at host1 flannel.1 (out)');
    expect(screen.getByTestId('path-why')).toHaveTextContent('has no fdb entry for');
    const hops = within(screen.getByTestId('path-hops')).getAllByRole('listitem');
    expect(hops).toHaveLength(4);
    expect(hops[3]).toHaveClass('last');
    expect(hops[3]).toHaveTextContent('encapsulate into VXLAN');
    await fireEvent.click(screen.getByRole('radio', { name: /Echo reply/ }));
    expect(store.leg).toBe('reply');
    expect(screen.getByTestId('path-outcome')).toHaveTextContent('never seen');
  });

  it('shows a ping that arrived hop by hop, with the tunnel it travelled in', async () => {
    const api = new ContractDouble();
    api.handle('path:trace', () => vxlan.ok);
    const store = new PathStore(api);
    render(PathPanel, { store, lab: vxlan.snapshot.name, snapshot: vxlan.snapshot, preset: { from: 'host1/b', to: null } });
    expect((screen.getByTestId('path-from') as HTMLSelectElement).value).toBe('host1/b');
    await store.trace(vxlan.snapshot.name, 'host1/a', 'host2/b');
    expect(await screen.findByTestId('path-outcome')).toHaveTextContent('arrived at host2/b');
    const hops = within(screen.getByTestId('path-hops')).getAllByRole('listitem');
    expect(hops).toHaveLength(12);
    expect(hops[5]).toHaveTextContent(/underlay u-host1 veth in .*in VXLAN 198\.18\.0\.11 → 198\.18\.0\.12:8472 VNI 1/);
    expect(hops[8]).toHaveTextContent('decapsulate from VXLAN');
    expect(store.tracedAt).toBeInstanceOf(Date);
  });

  it('a new trace clears the old result and shows its progress until the new one comes', async () => {
    const api = new ContractDouble();
    let answer!: (p: typeof vxlan.ok) => void;
    api.handle('path:trace', () => vxlan.broken);
    const store = new PathStore(api);
    render(PathPanel, { store, lab: vxlan.snapshot.name, snapshot: vxlan.snapshot, preset: null });
    await fireEvent.click(screen.getByRole('button', { name: 'Trace a ping' }));
    expect(await screen.findByTestId('path-result')).toHaveAttribute('data-ok', 'false');
    api.handle('path:trace', () => new Promise((resolve) => (answer = resolve)));
    await fireEvent.click(screen.getByRole('button', { name: 'Trace a ping' }));
    expect(screen.queryByTestId('path-result')).toBeNull();
    expect(screen.getByTestId('path-progress')).toHaveTextContent('Tracing host1/a → host2/b');
    expect(screen.getByRole('button', { name: 'Tracing…' })).toBeDisabled();
    answer(vxlan.ok);
    expect(await screen.findByTestId('path-result')).toHaveAttribute('data-ok', 'true');
    expect(screen.queryByTestId('path-progress')).toBeNull();
  });

  it('takes a source and destination from an exercise\'s hint, also an address no node holds', async () => {
    const store = new PathStore(new ContractDouble());
    render(PathPanel, { store, lab: vxlan.snapshot.name, snapshot: vxlan.snapshot, preset: { from: 'host1/b', to: '172.17.0.3' } });
    expect((screen.getByTestId('path-from') as HTMLSelectElement).value).toBe('host1/b');
    const to = screen.getByTestId('path-to') as HTMLSelectElement;
    expect(to.value).toBe('172.17.0.3');
    expect(to.selectedOptions[0]!.textContent).toBe('172.17.0.3 (address)');
  });
});
