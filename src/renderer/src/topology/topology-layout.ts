// Deterministic placement for the diagram: hosts side by side around a
// horizontal underlay bar (a second row mirrored above the bar beyond three
// hosts), inside each host the uplinks (underlay NIC, VXLAN device,
// published ports) next to the bar, then the bridges, then the pods in a
// grid; kube-proxy's Services in a row under the hosts (service-layout.ts).
// Same snapshot → same picture; a live change never reshuffles it.
import { placeServices } from './service-layout';
import { UNDERLAY_ID, INTERNET_ID, tapId, type GraphNode, type TopologyGraph } from './topology-graph';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const NODE_SIZE: Record<string, { w: number; h: number }> = {
  iface: { w: 136, h: 62 },
  bridge: { w: 150, h: 50 },
  pod: { w: 108, h: 52 },
  port: { w: 128, h: 46 },
  tap: { w: 8, h: 8 },
  internet: { w: 150, h: 56 },
};

// Tight enough that two hosts with an internet node fit a 860 × 360 frame
// (a 1280 × 720 window with the exercise panel open) at a zoom where host
// and pod labels are at least 11 px.
const GAP_X = 18;
const GAP_Y = 30;
const HOST_GAP = 70;
const BAR_GAP = 80;
const BAR_HEIGHT = 26;

/** Room left around the drawing when it is fitted into its frame, in screen pixels. */
export const FIT_PADDING = 14;
const POD_COLUMNS = 4;

const sizeOf = (n: GraphNode) => NODE_SIZE[n.kind === 'iface' && n.row === 'bridge' ? 'bridge' : n.kind] ?? NODE_SIZE.iface!;

interface Row {
  nodes: GraphNode[];
  width: number;
  height: number;
}

function row(nodes: GraphNode[]): Row {
  const sizes = nodes.map(sizeOf);
  return { nodes, width: sizes.reduce((s, z) => s + z.w, 0) + GAP_X * Math.max(0, nodes.length - 1), height: Math.max(0, ...sizes.map((z) => z.h)) };
}

interface HostBlock {
  host: GraphNode;
  rows: Row[];
  width: number;
  height: number;
  /** The node whose link goes to the bar. */
  uplinkId: string | null;
}

/** `tunnelsFirst`: the VXLAN device goes left of the underlay NIC (hosts on the right half face their peers). */
function hostBlock(host: GraphNode, children: GraphNode[], uplinkId: string | null, tunnelsFirst: boolean): HostBlock {
  const uplinks = children.filter((c) => c.row === 'uplink').sort((a, b) => uplinkRank(a, uplinkId, tunnelsFirst) - uplinkRank(b, uplinkId, tunnelsFirst));
  const bridges = children.filter((c) => c.row === 'bridge');
  const pods = children.filter((c) => c.row === 'pod');
  const rows = [row(uplinks), row(bridges)];
  for (let i = 0; i < pods.length; i += POD_COLUMNS) rows.push(row(pods.slice(i, i + POD_COLUMNS)));
  const used = rows.filter((r) => r.nodes.length > 0);
  return {
    host,
    rows: used,
    width: Math.max(120, ...used.map((r) => r.width)),
    height: used.reduce((s, r) => s + r.height, 0) + GAP_Y * Math.max(0, used.length - 1),
    uplinkId,
  };
}

function uplinkRank(n: GraphNode, uplinkId: string | null, tunnelsFirst: boolean): number {
  if (n.id === uplinkId) return tunnelsFirst ? 1 : 0;
  if (n.kind === 'iface' && n.classes.includes('vxlan')) return tunnelsFirst ? 0 : 1;
  if (n.kind === 'port') return 3;
  return 2;
}

/** Places a block with its top-left corner at (x, y); `mirrored` puts the uplinks at the bottom. */
function placeBlock(b: HostBlock, x: number, y: number, mirrored: boolean, out: Map<string, Box>): void {
  const rows = mirrored ? [...b.rows].reverse() : b.rows;
  let top = y;
  for (const r of rows) {
    let left = x + (b.width - r.width) / 2;
    for (const n of r.nodes) {
      const z = sizeOf(n);
      out.set(n.id, { x: left + z.w / 2, y: top + r.height / 2, ...z });
      left += z.w + GAP_X;
    }
    top += r.height + GAP_Y;
  }
}

export function layoutTopology(g: TopologyGraph): Map<string, Box> {
  const out = new Map<string, Box>();
  const children = new Map<string, GraphNode[]>();
  for (const n of g.nodes) if (n.parent) (children.get(n.parent) ?? children.set(n.parent, []).get(n.parent)!).push(n);
  const uplinkOf = new Map<string, string>();
  for (const e of g.edges) if (e.kind === 'underlay-link') uplinkOf.set(e.target, e.source);

  const hosts = g.nodes.filter((n) => n.kind === 'host');
  // One row under the bar for a few hosts; beyond three, half of them mirrored above it.
  const aboveCount = hosts.length > 3 ? Math.ceil(hosts.length / 2) : 0;
  const blocks = hosts.map((h, i) => {
    const inRow = i < aboveCount ? i : i - aboveCount;
    const rowSize = i < aboveCount ? aboveCount : hosts.length - aboveCount;
    return hostBlock(h, children.get(h.id) ?? [], uplinkOf.get(tapId(h.id.slice('host:'.length))) ?? null, inRow >= rowSize / 2);
  });
  const above = blocks.slice(0, aboveCount);
  const below = blocks.slice(aboveCount);
  const rowWidth = (bs: HostBlock[]) => bs.reduce((s, b) => s + b.width, 0) + HOST_GAP * Math.max(0, bs.length - 1);
  const width = Math.max(rowWidth(above), rowWidth(below), 200);

  const placeRow = (bs: HostBlock[], mirrored: boolean) => {
    let x = (width - rowWidth(bs)) / 2;
    for (const b of bs) {
      placeBlock(b, x, mirrored ? -BAR_GAP - b.height : BAR_GAP, mirrored, out);
      const up = b.uplinkId ? out.get(b.uplinkId) : undefined;
      const tap = tapId(b.host.id.slice('host:'.length));
      out.set(tap, { x: up?.x ?? x + b.width / 2, y: mirrored ? -BAR_HEIGHT / 2 : BAR_HEIGHT / 2, ...NODE_SIZE.tap! });
      x += b.width + HOST_GAP;
    }
  };
  placeRow(above, true);
  placeRow(below, false);

  const hasInternet = g.nodes.some((n) => n.id === INTERNET_ID);
  const barWidth = width + (hasInternet ? NODE_SIZE.internet!.w + HOST_GAP : 0) + 40;
  out.set(UNDERLAY_ID, { x: barWidth / 2 - 20, y: 0, w: barWidth, h: BAR_HEIGHT });
  if (hasInternet) {
    const ix = width + HOST_GAP / 2 + NODE_SIZE.internet!.w / 2;
    out.set(INTERNET_ID, { x: ix, y: BAR_GAP / 2 + NODE_SIZE.internet!.h, ...NODE_SIZE.internet! });
    out.set(tapId(INTERNET_ID), { x: ix, y: BAR_HEIGHT / 2, ...NODE_SIZE.tap! });
  }
  placeServices(g, out);
  return out;
}

/**
 * How far an overlay link bows out of the straight line: a little between
 * neighbours, more the farther apart its ends are, so that a link between
 * two distant hosts arcs clear of the hosts in between.
 */
export function edgeBend(a: Box | undefined, b: Box | undefined): number {
  if (!a || !b) return 40;
  return Math.min(260, 36 + 0.14 * Math.hypot(b.x - a.x, b.y - a.y) * (Math.abs(b.y - a.y) < 1 ? 1 : 0.3));
}
