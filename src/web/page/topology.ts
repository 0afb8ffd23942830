// The fleet's links as a graph (cytoscape, laid out with fcose): pan and zoom with the mouse or
// fingers, relays drawn as diamonds, the master as a square, offline nodes faded, links that are
// not up dashed. Selecting a node highlights its links and the master's path to it; double
// click opens its page. The graph is rebuilt from /api/topology when the fleet changes shape
// (a node or link added or gone), not on every heartbeat.
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { h, spawn } from './dom.ts';
import { get, ApiError } from './api.ts';
import type { FleetStore } from './fleet-store.ts';
import type { TopologyView } from '../../master/fleet-view.ts';

cytoscape.use(fcose as unknown as cytoscape.Ext);

export const topologyPage = (store: FleetStore, open: (address: string) => void): { el: HTMLElement; destroy(): void } => {
  const info = h('p', { class: 'muted topo-info' }, 'laying out…');
  const canvas = h('div', { class: 'topology', 'aria-label': 'fleet topology' });
  const el = h('section', { class: 'topology-page' }, info, canvas);
  let cy: cytoscape.Core | undefined;
  let shape = '';
  let destroyed = false;

  const draw = async (): Promise<void> => {
    let t: TopologyView;
    try { t = await get<TopologyView>('/api/topology'); } catch (e) { info.textContent = e instanceof ApiError ? e.message : String(e); return; }
    if (destroyed) return;
    const relays = new Set<string>();
    for (const n of store.nodes.values()) if (n.via && n.via !== 'direct') relays.add(n.via);
    const known = new Set(t.nodes.map((n) => n.address));
    const seen = new Set<string>();
    const edges: cytoscape.ElementDefinition[] = [];
    for (const e of t.edges) {
      if (!known.has(e.from) || !known.has(e.to)) continue;
      const key = [e.from, e.to].sort().join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ data: { id: key, source: e.from, target: e.to, up: e.state === 'up' || e.state === 'rekeying' ? 1 : 0 } });
    }
    const nodes: cytoscape.ElementDefinition[] = t.nodes.map((n) => ({
      data: { id: n.address, label: (n.name || n.address).slice(0, 14), online: n.online ? 1 : 0, kind: n.address === t.master ? 'master' : relays.has(n.address) ? 'relay' : 'node' },
    }));
    const nextShape = `${nodes.map((n) => `${n.data.id}${n.data.online}`).sort().join()}#${edges.map((e) => `${e.data.id}${e.data.up}`).sort().join()}`;
    if (nextShape === shape && cy) return;
    shape = nextShape;
    const t0 = performance.now(); // real-io: the browser's clock (page code, not a node)
    cy?.destroy();
    cy = cytoscape({
      container: canvas, elements: [...nodes, ...edges], minZoom: 0.05, maxZoom: 4,
      style: [
        { selector: 'node', style: { label: 'data(label)', 'font-size': 9, 'min-zoomed-font-size': 7, width: 14, height: 14, 'background-color': '#2da44e', color: '#24292f', 'text-valign': 'bottom', 'text-margin-y': 2 } },
        { selector: 'node[online = 0]', style: { 'background-color': '#8c959f', opacity: 0.6 } },
        { selector: 'node[kind = "relay"]', style: { shape: 'diamond', width: 20, height: 20, 'background-color': '#bf8700' } },
        { selector: 'node[kind = "master"]', style: { shape: 'round-rectangle', width: 22, height: 22, 'background-color': '#0969da' } },
        { selector: 'edge', style: { width: 1, 'line-color': '#afb8c1', 'curve-style': 'haystack' } },
        { selector: 'edge[up = 0]', style: { 'line-style': 'dashed', 'line-color': '#d0d7de' } },
        { selector: '.faded', style: { opacity: 0.12 } },
        { selector: '.hl', style: { 'line-color': '#cf222e', width: 2.5, 'z-index': 9 } },
        { selector: 'node.hl', style: { 'border-width': 3, 'border-color': '#cf222e' } },
      ],
      layout: { name: 'fcose', animate: false, quality: nodes.length > 500 ? 'draft' : 'default', randomize: true, nodeRepulsion: 6000, idealEdgeLength: 40 } as cytoscape.LayoutOptions,
    });
    // A small fleet would otherwise be blown up to fill the box.
    if (cy.zoom() > 1.5) { cy.zoom(1.5); cy.center(); }
    const ms = Math.round(performance.now() - t0); // real-io: the browser's clock (page code, not a node)
    info.textContent = `${nodes.length} nodes, ${edges.length} links · laid out in ${ms} ms · drag to pan, scroll or pinch to zoom, click a node to highlight its links and the master's path to it, double-click to open it`;
    canvas.dataset.layoutMs = String(ms);
    canvas.dataset.nodes = String(nodes.length);
    cy.on('tap', 'node', (e) => {
      const c = cy!;
      const n = e.target as cytoscape.NodeSingular;
      c.elements().removeClass('hl').addClass('faded');
      const path = store.nodes.get(n.id())?.path ?? [];
      const on = n.closedNeighborhood();
      for (let i = 0; i + 1 < path.length; i++) on.merge(c.getElementById([path[i]!, path[i + 1]!].sort().join('|'))).merge(c.getElementById(path[i]!));
      on.removeClass('faded').addClass('hl');
    });
    cy.on('tap', (e) => { if (e.target === cy) cy!.elements().removeClass('faded hl'); });
    cy.on('dbltap', 'node', (e) => open((e.target as cytoscape.NodeSingular).id()));
  };

  let pending = 0;
  const off = store.on(() => { clearTimeout(pending); pending = window.setTimeout(() => spawn(draw()), 1000); }); // real-io: the browser's clock (page code, not a node)
  requestAnimationFrame(() => spawn(draw()));
  return { el, destroy: () => { destroyed = true; off(); clearTimeout(pending); cy?.destroy(); } };
};
