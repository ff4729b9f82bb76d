// Brings a Cytoscape instance in line with a new graph: removes what went,
// adds what came, updates data, classes and positions of what stayed — in
// one batch, so a live update is one redraw and the viewport does not move.
import type cytoscape from 'cytoscape';
import { edgeBend, type Box } from './topology-layout';
import type { TopologyGraph } from './topology-graph';

export interface SyncResult {
  added: number;
  removed: number;
}

const signature = (label: string, classes: string[], sel: unknown, size: string) => `${label}|${classes.join(' ')}|${JSON.stringify(sel)}|${size}`;

export function syncElements(cy: cytoscape.Core, g: TopologyGraph, boxes: ReadonlyMap<string, Box>): SyncResult {
  const wanted = new Set([...g.nodes.map((n) => n.id), ...g.edges.map((e) => e.id)]);
  // New elements go in with one add() (much faster than one by one); parents before children, nodes before edges.
  const fresh: cytoscape.ElementDefinition[] = [];
  let removed = 0;
  cy.batch(() => {
    const gone = cy.elements().filter((el) => !wanted.has(el.id()));
    removed = gone.length;
    cy.remove(gone);
    const nodes = [...g.nodes].sort((a, b) => Number(!!a.parent) - Number(!!b.parent));
    for (const n of nodes) {
      const box = boxes.get(n.id);
      const sig = signature(n.label, n.classes, n.sel, box ? `${box.w}x${box.h}` : '');
      const data = { id: n.id, label: n.label, kind: n.kind, sel: n.sel, sig, ...(n.parent ? { parent: n.parent } : {}), ...(box ? { w: box.w, h: box.h } : {}) };
      const position = box && n.kind !== 'host' ? { x: box.x, y: box.y } : undefined;
      const el = cy.getElementById(n.id);
      if (el.nonempty() && el.data('parent') === n.parent) {
        // Unchanged elements are left alone: no restyle for most of a live update.
        if (el.data('sig') !== sig) {
          el.data(data);
          el.classes(n.classes);
        }
        if (position) {
          const p = el.position();
          if (p.x !== position.x || p.y !== position.y) el.position(position);
        }
        continue;
      }
      if (el.nonempty()) {
        cy.remove(el);
        removed++;
      }
      fresh.push({ group: 'nodes', data, classes: n.classes, ...(position ? { position } : {}) });
    }
    for (const e of g.edges) {
      const bend = Math.round(edgeBend(boxes.get(e.source), boxes.get(e.target)));
      const sig = signature(e.label, e.classes, e.sel, String(bend));
      const el = cy.getElementById(e.id);
      if (el.nonempty()) {
        if (el.data('sig') !== sig) {
          el.data({ label: e.label, sel: e.sel, sig, bend });
          el.classes(e.classes);
        }
      } else {
        fresh.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, label: e.label, kind: e.kind, sel: e.sel, sig, bend }, classes: e.classes });
      }
    }
    if (fresh.length) cy.add(fresh);
  });
  return { added: fresh.length, removed };
}
