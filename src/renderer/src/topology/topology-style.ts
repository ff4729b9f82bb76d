// The diagram's look, from the page's theme variables (light or dark).
import type cytoscape from 'cytoscape';
import { SERVICE_FONT } from './service-layout';

export interface TopologyColors {
  text: string;
  textDim: string;
  hostBg: string;
  hostBorder: string;
  node: string;
  nodeBorder: string;
  bridge: string;
  vxlan: string;
  pod: string;
  port: string;
  underlay: string;
  internet: string;
  tunnel: string;
  route: string;
  broken: string;
  selected: string;
  path: string;
  service: string;
  canvas: string;
}

const VARS: Record<keyof TopologyColors, string> = {
  text: '--text',
  textDim: '--text-dim',
  hostBg: '--topo-host-bg',
  hostBorder: '--topo-host-border',
  node: '--topo-node',
  nodeBorder: '--topo-node-border',
  bridge: '--topo-bridge',
  vxlan: '--topo-vxlan',
  pod: '--topo-pod',
  port: '--topo-port',
  underlay: '--topo-underlay',
  internet: '--topo-internet',
  tunnel: '--topo-tunnel',
  route: '--topo-route',
  broken: '--danger',
  selected: '--accent',
  path: '--topo-path',
  service: '--topo-service',
  canvas: '--bg',
};

export function readTopologyColors(el: Element): TopologyColors {
  const css = getComputedStyle(el);
  const out = {} as TopologyColors;
  for (const [k, v] of Object.entries(VARS)) out[k as keyof TopologyColors] = css.getPropertyValue(v).trim() || '#888';
  return out;
}

/** Per-edge bow (data `bend`, from the layout), as a style mapper. */
const bendBy = (sign: number) => ((ele: cytoscape.EdgeSingular) => [sign * Number(ele.data('bend') ?? 40)]) as unknown as number[];

export function topologyStyle(c: TopologyColors): cytoscape.StylesheetJson {
  const font = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-family': font,
        'font-size': 12,
        color: c.text,
        'text-wrap': 'wrap',
        'text-valign': 'center',
        'text-halign': 'center',
        shape: 'round-rectangle',
        'background-color': c.node,
        'border-width': 1,
        'border-color': c.nodeBorder,
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'node[w][h]', style: { width: 'data(w)', height: 'data(h)' } },
    {
      selector: 'node.host',
      style: {
        'background-color': c.hostBg,
        'background-opacity': 1,
        'border-color': c.hostBorder,
        'border-width': 1.5,
        padding: '18px',
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -5,
        'font-size': 15,
        'font-weight': 'bold',
        shape: 'round-rectangle',
        'min-zoomed-font-size': 4,
      },
    },
    { selector: 'node.unreachable', style: { 'border-style': 'dashed', 'border-color': c.broken, opacity: 0.7 } },
    { selector: 'node.bridge', style: { 'border-color': c.bridge, 'border-width': 2, 'font-weight': 'bold' } },
    { selector: 'node.vxlan', style: { 'border-color': c.vxlan, 'border-width': 2, shape: 'cut-rectangle' } },
    { selector: 'node.pod', style: { 'background-color': c.pod, 'border-color': c.pod, shape: 'ellipse', 'font-weight': 'bold', 'font-size': 15, color: '#fff', 'text-outline-width': 0 } },
    { selector: 'node.port', style: { 'border-color': c.port, 'border-width': 2, shape: 'tag', 'font-size': 10 } },
    { selector: 'node.down', style: { 'border-style': 'dashed', opacity: 0.6 } },
    { selector: 'node.pod.isolated', style: { 'border-color': c.broken, 'border-width': 4, 'border-style': 'double' } },
    {
      selector: 'node.underlay',
      style: { 'background-color': c.underlay, 'border-width': 0, shape: 'round-rectangle', color: '#fff', 'font-size': 12, 'font-weight': 'bold', 'text-halign': 'center' },
    },
    { selector: 'node.tap', style: { label: '', 'background-color': c.underlay, 'border-width': 0, shape: 'ellipse', events: 'no' } },
    { selector: 'node.internet', style: { 'background-color': c.internet, 'border-width': 0, shape: 'round-octagon', color: '#fff', 'font-weight': 'bold', 'font-size': 14 } },
    {
      selector: 'edge',
      style: {
        width: 2,
        'line-color': c.nodeBorder,
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-family': font,
        'font-size': 11,
        color: c.text,
        'text-background-color': c.canvas,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
        'text-rotation': 'none',
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'edge.underlay-link', style: { 'line-color': c.underlay, width: 3, 'curve-style': 'straight' } },
    { selector: 'edge.veth', style: { 'line-color': c.pod, width: 2, 'curve-style': 'straight' } },
    {
      selector: 'edge.tunnel',
      style: {
        'line-color': c.tunnel,
        'line-style': 'dashed',
        'line-dash-pattern': [8, 4],
        width: 2.5,
        'target-arrow-shape': 'triangle',
        'target-arrow-color': c.tunnel,
        'curve-style': 'unbundled-bezier',
        'control-point-distances': bendBy(-1),
        'control-point-weights': [0.5],
      },
    },
    { selector: 'edge.dense', style: { width: 1, opacity: 0.28, label: '', 'target-arrow-shape': 'none', 'curve-style': 'haystack', 'line-style': 'solid' } },
    { selector: 'edge.dense.focus', style: { width: 2.5, opacity: 1, label: 'data(label)', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'line-style': 'dashed' } },
    { selector: 'edge.broken', style: { 'line-color': c.broken, 'target-arrow-color': c.broken, color: c.broken, 'font-weight': 'bold' } },
    { selector: 'edge.dense.broken', style: { width: 2.5, opacity: 1, label: 'data(label)', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier' } },
    {
      selector: 'edge.route',
      style: { 'line-color': c.route, width: 2.5, 'target-arrow-shape': 'triangle', 'target-arrow-color': c.route, 'curve-style': 'unbundled-bezier', 'control-point-distances': bendBy(1), 'control-point-weights': [0.5] },
    },
    { selector: 'edge.port-edge', style: { 'line-color': c.port, 'line-style': 'dotted', width: 2, 'target-arrow-shape': 'triangle', 'target-arrow-color': c.port } },
    // kube-proxy's Services: a virtual IP (a double border: no interface holds it), headless ones dashed without one.
    {
      selector: 'node.service',
      style: { 'background-color': c.node, 'border-color': c.service, 'border-width': 4, 'border-style': 'double', 'font-size': SERVICE_FONT, 'line-height': 1.2, 'z-index': 5 },
    },
    { selector: 'node.service.headless', style: { 'border-width': 2, 'border-style': 'dashed', 'background-opacity': 0.5 } },
    { selector: 'node.service.partial', style: { 'border-color': c.broken } },
    {
      selector: 'node.nodeport',
      style: { 'background-color': c.service, 'border-width': 0, color: c.canvas, 'font-size': 15, 'font-weight': 'bold', 'z-compound-depth': 'top', 'z-index': 20 },
    },
    { selector: 'node.nodeport.drop, node.nodeport.reject', style: { 'background-color': c.broken } },
    { selector: 'node.nodeport.missing', style: { 'background-color': c.canvas, 'border-width': 2, 'border-style': 'dashed', 'border-color': c.broken, color: c.broken } },
    {
      selector: 'edge.endpoint',
      // The share is written at the endpoint's end (under its pod), where the edges are apart.
      style: {
        'line-color': c.service,
        width: 2.5,
        'target-arrow-shape': 'triangle',
        'target-arrow-color': c.service,
        'curve-style': 'straight',
        label: '',
        'target-label': 'data(label)',
        'target-text-offset': 36,
        'target-text-margin-y': 8,
        'font-size': 15,
        'text-wrap': 'wrap',
      },
    },
    { selector: 'edge.endpoint.headless', style: { 'line-style': 'dashed', width: 1.5 } },
    { selector: 'edge.endpoint.partial', style: { 'line-color': c.broken, 'target-arrow-color': c.broken, 'line-style': 'dashed', color: c.broken, 'font-weight': 'bold' } },
    // The packet's path: a glow under every element it went through; red where it was last seen.
    { selector: 'node.path', style: { 'border-color': c.path, 'border-width': 3, 'underlay-color': c.path, 'underlay-opacity': 0.35, 'underlay-padding': 7, 'underlay-shape': 'round-rectangle' } },
    { selector: 'node.pod.path, node.tap.path', style: { 'underlay-shape': 'ellipse' } },
    { selector: 'node.host.path', style: { 'underlay-opacity': 0.12 } },
    { selector: 'edge.path', style: { 'line-color': c.path, 'target-arrow-color': c.path, width: 4.5, opacity: 1, 'underlay-color': c.path, 'underlay-opacity': 0.3, 'underlay-padding': 5, 'z-index': 10 } },
    { selector: 'node.path-last', style: { 'border-color': c.broken, 'border-width': 4, 'underlay-color': c.broken, 'underlay-opacity': 0.45, 'underlay-padding': 9 } },
    { selector: 'edge.path-last', style: { 'line-color': c.broken, 'underlay-color': c.broken } },
    { selector: ':selected', style: { 'border-color': c.selected, 'border-width': 3, 'line-color': c.selected, 'target-arrow-color': c.selected } },
  ];
}
