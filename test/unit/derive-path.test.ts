// The packet path from captures on `any` in every namespace: hops in time
// order, tunnel in/out, rewrites, and where and why a leg stopped.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/shared/snapshot';
import { LINKTYPE_LINUX_SLL2, type PcapRecord } from '../../src/engine/capture/pcap';
import { derivePath } from '../../src/engine/path/derive-path';
import { collectSightings, type NodeCapture } from '../../src/engine/path/path-observations';
import { echoPacket, icmpUnreachable, inVxlan, ipv4, sll2 } from '../helpers/packets';
import { fixtureSnapshot } from '../helpers/snapshots';
import { VXLAN_REQUEST_HOPS, hopText } from '../helpers/vxlan-path';

const pattern = Buffer.from('a1b2c3d4e5f60718', 'hex');
const H1 = '198.18.1.11';
const H2 = '198.18.1.12';
const request = echoPacket('10.2.1.2', '10.2.3.10', 8, 1, pattern);
const reply = echoPacket('10.2.3.10', '10.2.1.2', 0, 1, pattern);

type Seen = [node: string, ifindex: number, direction: 'in' | 'out', packet: Buffer];

/** Sightings in time order (1 µs apart) → one capture per node. */
function captures(snapshot: Snapshot, seen: Seen[]): NodeCapture[] {
  const nodes = new Map<string, PcapRecord[]>();
  seen.forEach(([node, ifindex, dir, pkt], i) => {
    const list = nodes.get(node) ?? [];
    list.push({ seconds: 100, fraction: 1000 * (i + 1), originalLength: pkt.length + 20, data: sll2(ifindex, dir, 0x0800, pkt) });
    nodes.set(node, list);
  });
  const ifacesOf = (node: string) => {
    if (node === 'underlay') return [{ index: 3, name: 'u-host1', kind: 'veth' }, { index: 5, name: 'u-host2', kind: 'veth' }];
    const [h, p] = node.split('/');
    const host = snapshot.hosts.find((x) => x.name === h)!;
    return (p ? host.pods.find((x) => x.name === p)! : host).interfaces;
  };
  return [...nodes].map(([node, records]) => ({ node, ifaces: ifacesOf(node), header: { linkType: LINKTYPE_LINUX_SLL2, nanos: true, snaplen: 262144 }, records }));
}

function path(snapshot: Snapshot, seen: Seen[], ok = true) {
  const { sightings, errors } = collectSightings(captures(snapshot, seen), pattern, '10.2.3.10', [8472]);
  return derivePath({ lab: 'fx-vxlan', from: 'host1/a', to: 'host2/b', source: '10.2.1.2', destination: '10.2.3.10', sourceNode: 'host1/a', destinationNodes: ['host2/b'], ok, observed: [], sightings, errors, snapshot });
}

const vx = (p: Buffer, src: string, dst: string) => inVxlan(p, { src, dst });

const FORWARD: Seen[] = [
  ['host1/a', 2, 'out', request],
  ['host1', 4, 'in', request],
  ['host1', 3, 'in', request],
  ['host1', 6, 'out', request],
  ['host1', 2, 'out', vx(request, H1, H2)],
  ['underlay', 3, 'in', vx(request, H1, H2)],
  ['underlay', 5, 'out', vx(request, H1, H2)],
  ['host2', 2, 'in', vx(request, H1, H2)],
  ['host2', 6, 'in', request],
  ['host2', 3, 'out', request],
  ['host2', 4, 'out', request],
  ['host2/b', 2, 'in', request],
];
const BACK: Seen[] = [
  ['host2/b', 2, 'out', reply],
  ['host2', 4, 'in', reply],
  ['host2', 3, 'in', reply],
  ['host2', 6, 'out', reply],
  ['host2', 2, 'out', vx(reply, H2, H1)],
  ['host1', 2, 'in', vx(reply, H2, H1)],
  ['host1', 6, 'in', reply],
  ['host1', 3, 'out', reply],
  ['host1', 4, 'out', reply],
  ['host1/a', 2, 'in', reply],
];

describe('the path of a ping across the VXLAN overlay', () => {
  const snap = fixtureSnapshot('flannel-vxlan');

  it('lists every hop of the request in the order the kernel saw it, with the tunnel', () => {
    const p = path(snap, [...FORWARD, ...BACK]);
    expect(p.request.hops.map(hopText)).toEqual(VXLAN_REQUEST_HOPS);
    expect(p.request.hops[1]!.iface).toBe('vethe1a161d2');
    expect(p.request).toMatchObject({ reached: true, reason: null });
    const [, , , enc, wire] = p.request.hops;
    expect(enc).toMatchObject({ ifaceKind: 'vxlan', note: 'encapsulate into VXLAN', tunnel: null });
    expect(wire).toMatchObject({ packet: { src: '10.2.1.2', dst: '10.2.3.10', protocol: 'icmp' }, tunnel: { src: H1, dst: H2, port: 8472, vni: 1 } });
    expect(p.request.hops[8]!.note).toBe('decapsulate from VXLAN');
    expect(p.request.hops.map((h) => h.offsetNs)).toEqual(FORWARD.map((_, i) => i * 1000));
    expect(p.reply).toMatchObject({ reached: true, reason: null });
    expect(p.reply.hops.at(-1)).toMatchObject({ node: 'host1/a', iface: 'eth0', direction: 'in' });
  });

  it('ignores packets of other pings (another payload) and keeps to one sequence number', () => {
    const other = echoPacket('10.2.1.2', '10.2.3.10', 8, 1, Buffer.from('ffffffffffffffff', 'hex'));
    const later = echoPacket('10.2.1.2', '10.2.3.10', 8, 2, pattern);
    const p = path(snap, [...FORWARD, ['host1', 2, 'out', other], ['host1', 2, 'out', later]]);
    expect(p.request.hops).toHaveLength(12);
  });

  it('without an fdb entry: last seen going into flannel.1, because nothing says which host to send to', () => {
    const broken = structuredClone(snap);
    broken.hosts[0]!.fdb = broken.hosts[0]!.fdb.filter((f) => f.dev !== 'flannel.1');
    const p = path(broken, FORWARD.slice(0, 4), false);
    expect(p.request).toMatchObject({ reached: false, lastSeen: { node: 'host1', iface: 'flannel.1', direction: 'out' } });
    expect(p.request.reason).toMatch(/^host1: flannel.1 has no fdb entry for [0-9a-f:]{17}, so the kernel does not know which host to send the VXLAN packet to/);
    expect(p.reply).toMatchObject({ reached: false, hops: [], reason: 'no reply: the request never arrived' });
  });

  it('without a route: the host that answered with ICMP, and that it has no route', () => {
    const broken = structuredClone(snap);
    broken.hosts[0]!.routes = broken.hosts[0]!.routes.filter((r) => r.dst !== '10.2.3.0/24');
    const unreachable = ipv4('10.2.1.1', '10.2.1.2', 1, icmpUnreachable(0, request));
    const p = path(broken, [...FORWARD.slice(0, 3), ['host1', 3, 'out', unreachable]], false);
    expect(p.request.lastSeen).toMatchObject({ node: 'host1', iface: 'cni0', direction: 'in' });
    expect(p.request.reason).toBe('host1 answered "net unreachable (for 10.2.1.2 → 10.2.3.10 icmp)" (ICMP from 10.2.1.1): host1 has no route to 10.2.3.10');
  });

  it('a reply that is never sent: the reason is read at the node the request reached', () => {
    const broken = structuredClone(snap);
    broken.hosts[1]!.pods[0]!.routes = [];
    const p = path(broken, FORWARD, false);
    expect(p.request.reached).toBe(true);
    expect(p.reply).toMatchObject({ reached: false, hops: [], reason: 'host2/b sent no reply: host2/b has no route to 10.2.1.2' });
  });

  it('names a rewritten source (masquerade)', () => {
    const masq = echoPacket(H1, '10.2.3.10', 8, 1, pattern);
    const p = path(snap, [['host1/a', 2, 'out', request], ['host1', 3, 'in', request], ['host1', 2, 'out', masq]]);
    expect(p.request.hops[2]!.note).toBe(`source rewritten 10.2.1.2 → ${H1} (masquerade)`);
  });
});
