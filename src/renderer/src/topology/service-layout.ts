// Where the Services go once the hosts are placed: their virtual-IP nodes in
// a row under the hosts (below the pods their edges reach, each as close
// under its endpoints as its neighbours allow; more rows where one row would
// be wider than the hosts), and each host's node-port badges on the host
// box's left edge.
import type { GraphNode, TopologyGraph } from './topology-graph';
import type { Box } from './topology-layout';

/** The room a host box leaves around its children (the `padding` of node.host in the style). */
export const HOST_PADDING = 18;
export const SERVICE_FONT = 15;
export const NODEPORT_SIZE = { w: 62, h: 24 };
const SERVICE_GAP_X = 20;
/** From the lowest host's edge to the services' row: room for the endpoint edges' labels. */
const SERVICE_GAP_Y = 56;
const BADGE_GAP = 6;
const BADGE_OUTSIDE = 20;

/** A service node's size from its label (no text measuring here: system-ui's digits and letters average 0.55 em). */
export function serviceSize(label: string): { w: number; h: number } {
  const lines = label.split('\n');
  const longest = Math.max(...lines.map((l) => l.length));
  return { w: Math.max(110, Math.round(longest * SERVICE_FONT * 0.55 + 24)), h: lines.length * Math.round(SERVICE_FONT * 1.2) + 12 };
}

function hostBounds(g: TopologyGraph, boxes: ReadonlyMap<string, Box>): Map<string, { x1: number; x2: number; y1: number; y2: number }> {
  const out = new Map<string, { x1: number; x2: number; y1: number; y2: number }>();
  for (const n of g.nodes) {
    const b = n.parent ? boxes.get(n.id) : undefined;
    if (!b) continue;
    const cur = out.get(n.parent!) ?? { x1: Infinity, x2: -Infinity, y1: Infinity, y2: -Infinity };
    out.set(n.parent!, { x1: Math.min(cur.x1, b.x - b.w / 2), x2: Math.max(cur.x2, b.x + b.w / 2), y1: Math.min(cur.y1, b.y - b.h / 2), y2: Math.max(cur.y2, b.y + b.h / 2) });
  }
  for (const [id, b] of out) out.set(id, { x1: b.x1 - HOST_PADDING, x2: b.x2 + HOST_PADDING, y1: b.y1 - HOST_PADDING, y2: b.y2 + HOST_PADDING });
  return out;
}

/** Adds the boxes of the graph's service and node-port nodes to `boxes` (the hosts are placed already). */
export function placeServices(g: TopologyGraph, boxes: Map<string, Box>): void {
  const services = g.nodes.filter((n) => n.kind === 'service');
  const badges = g.nodes.filter((n) => n.kind === 'nodeport');
  if (services.length === 0 && badges.length === 0) return;
  const hosts = hostBounds(g, boxes);

  // Badges: stacked on the host box's left edge, level with its bridge (clear of the tunnels
  // above, the pods and the endpoint edges below).
  const byHost = new Map<string, GraphNode[]>();
  for (const b of badges) if (b.anchor) byHost.set(b.anchor, [...(byHost.get(b.anchor) ?? []), b]);
  for (const [host, list] of byHost) {
    const hb = hosts.get(host);
    if (!hb) continue;
    const bridge = g.nodes.find((n) => n.parent === host && n.row === 'bridge');
    const middle = (bridge && boxes.get(bridge.id)?.y) ?? (hb.y1 + hb.y2) / 2;
    const height = list.length * NODEPORT_SIZE.h + (list.length - 1) * BADGE_GAP;
    // Out of the box by no more than the underlay bar reaches past it: the drawing gets no wider.
    list.forEach((b, i) => boxes.set(b.id, { x: hb.x1 + NODEPORT_SIZE.w / 2 - BADGE_OUTSIDE, y: middle - height / 2 + NODEPORT_SIZE.h / 2 + i * (NODEPORT_SIZE.h + BADGE_GAP), ...NODEPORT_SIZE }));
  }

  // Services: one row under the hosts, each wanting to sit under the middle of what it reaches.
  const bottom = Math.max(0, ...[...hosts.values()].map((b) => b.y2));
  const left = Math.min(...[...hosts.values()].map((b) => b.x1));
  const targetsOf = new Map<string, number[]>();
  for (const e of g.edges) {
    const t = e.kind === 'endpoint' ? boxes.get(e.target) : undefined;
    if (t) targetsOf.set(e.source, [...(targetsOf.get(e.source) ?? []), t.x]);
  }
  const wanted = services.map((n, i) => {
    const xs = targetsOf.get(n.id) ?? [];
    return { n, size: serviceSize(n.label), want: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : left + i * 150, i };
  });
  wanted.sort((a, b) => a.want - b.want || a.i - b.i);
  // Kept within the hosts' width (the drawing gets no wider): as many rows as that takes.
  const right = Math.max(0, ...[...hosts.values()].map((b) => b.x2));
  let y = bottom + SERVICE_GAP_Y;
  for (const row of rowsWithin(wanted, right - left)) {
    const xs = packRow(
      row.map((w) => w.want),
      row.map((w) => w.size.w),
    );
    const rowLeft = xs[0]! - row[0]!.size.w / 2;
    const rowRight = xs.at(-1)! + row.at(-1)!.size.w / 2;
    const shift = rowRight - rowLeft > right - left || rowLeft < left ? left - rowLeft : Math.min(0, right - rowRight);
    const rowHeight = Math.max(...row.map((w) => w.size.h));
    row.forEach((w, i) => boxes.set(w.n.id, { x: xs[i]! + shift, y: y + rowHeight / 2, ...w.size }));
    y += rowHeight + SERVICE_GAP_X;
  }
}

/** Consecutive runs of boxes, each as wide as fits `width` side by side (at least one box a row). */
export function rowsWithin<T extends { size: { w: number } }>(boxes: readonly T[], width: number): T[][] {
  const rows: T[][] = [];
  let used = Infinity;
  for (const b of boxes) {
    if (used + SERVICE_GAP_X + b.size.w > width) {
      rows.push([]);
      used = -SERVICE_GAP_X;
    }
    rows.at(-1)!.push(b);
    used += SERVICE_GAP_X + b.size.w;
  }
  return rows;
}

/**
 * Centres for boxes of these widths, in this order, side by side at least
 * SERVICE_GAP_X apart, each as close to its wanted centre as the others
 * allow (least squares: pool-adjacent-violators on the wanted left ends).
 */
export function packRow(wants: readonly number[], widths: readonly number[]): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const w of widths) {
    offsets.push(offset + w / 2);
    offset += w + SERVICE_GAP_X;
  }
  // Blocks of boxes that touch: their shared start is the mean of their members' wanted starts.
  const blocks: { start: number; count: number; sum: number }[] = [];
  for (const [i, want] of wants.entries()) {
    blocks.push({ start: want - offsets[i]!, count: 1, sum: want - offsets[i]! });
    while (blocks.length > 1 && blocks.at(-2)!.start >= blocks.at(-1)!.start) {
      const b = blocks.pop()!;
      const a = blocks.at(-1)!;
      a.count += b.count;
      a.sum += b.sum;
      a.start = a.sum / a.count;
    }
  }
  const starts = blocks.flatMap((b) => Array<number>(b.count).fill(b.start));
  return starts.map((start, i) => start + offsets[i]!);
}
