// The packet's path on the diagram: classes on the elements it went
// through (`path`) and where it was last seen when it did not arrive
// (`path-last`). Re-applied after every live update.
import type cytoscape from 'cytoscape';
import type { PathHighlight } from '../path/path-highlight';

export function applyHighlight(cy: cytoscape.Core, highlight: PathHighlight | null): void {
  cy.batch(() => {
    cy.elements('.path, .path-last').removeClass('path path-last');
    if (!highlight) return;
    for (const id of highlight.ids) cy.getElementById(id).addClass('path');
    for (const id of highlight.lastSeen) cy.getElementById(id).addClass('path-last');
  });
}
