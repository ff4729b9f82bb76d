// Brings a Cytoscape instance in line with a new graph: removes what went,
// adds what came, updates data, classes and positions of what stayed — in
// one batch, so a live update is one redraw and the viewport does not move.
import type cytoscape from 'cytoscape';
import type { Box } from './topology-layout';
import type { TopologyGraph } from './topology-graph';

export interface SyncResult {
  added: number;
  removed: number;
}

export function syncElements(cy: cytoscape.Core, g: TopologyGraph, boxes: ReadonlyMap<string, Box>): SyncResult {
  const wanted = new Set([...g.nodes.map((n) => n.id), ...g.edges.map((e) => e.id)]);
  let added = 0;
  let removed = 0;
  cy.batch(() => {
    const gone = cy.elements().filter((el) => !wanted.has(el.id()));
    removed = gone.length;
    cy.remove(gone);
    // Parents before children, nodes before edges.
    const nodes = [...g.nodes].sort((a, b) => Number(!!a.parent) - Number(!!b.parent));
    for (const n of nodes) {
      const box = boxes.get(n.id);
      const data = { id: n.id, label: n.label, kind: n.kind, sel: n.sel, ...(n.parent ? { parent: n.parent } : {}), ...(box ? { w: box.w, h: box.h } : {}) };
      const el = cy.getElementById(n.id);
      if (el.nonempty() && el.data('parent') === n.parent) {
        el.data(data);
        el.classes(n.classes);
        if (box && n.kind !== 'host') el.position({ x: box.x, y: box.y });
      } else {
        if (el.nonempty()) cy.remove(el);
        cy.add({ group: 'nodes', data, classes: n.classes, ...(box && n.kind !== 'host' ? { position: { x: box.x, y: box.y } } : {}) });
        added++;
      }
    }
    for (const e of g.edges) {
      const data = { id: e.id, source: e.source, target: e.target, label: e.label, kind: e.kind, sel: e.sel };
      const el = cy.getElementById(e.id);
      if (el.nonempty()) {
        el.data({ label: e.label, sel: e.sel });
        el.classes(e.classes);
      } else {
        cy.add({ group: 'edges', data, classes: e.classes });
        added++;
      }
    }
  });
  return { added, removed };
}
