// Plain-data views of the registry for `skywire nodes` and `skywire topology`, built on demand
// from the per-node records (which heartbeats update in place). Names compare numerically where
// they hold numbers: node2 before node10.
import type { MasterService } from './master-service.ts';
import type { NodeRecord } from './registry.ts';
import type { NodeMetrics } from './node-metrics.ts';

export interface NodeView {
  address: string;
  name: string;
  version: string;
  enrolment: NodeRecord['enrolment'];
  online: boolean;
  firstSeenMs: number;
  lastSeenMs: number;
  links: number;
  linksUp: number;
  /** 'direct' when the master links to the node, else the first relay of the master's path. */
  via: string | null;
  path: string[] | null;
  configVersion: number;
  routes: number;
  routesUp: number;
  tags: string[];
  /** The node's newest device data (CPU, memory, disk, temperature, uptime, apps), as reported. */
  metrics: Partial<NodeMetrics>;
  /** Why it is pending, when it is not only waiting for approval. */
  held: string | null;
}

const isUp = (s: string): boolean => s === 'up' || s === 'rekeying';

export const nodeView = (m: MasterService, r: NodeRecord): NodeView => {
  const path = m.overlay.topology.pathTo(r.address) ?? r.path;
  const links = Object.values(r.links);
  const routes = Object.values(r.routes);
  return {
    address: r.address, name: r.name, version: r.version, enrolment: r.enrolment, online: m.online(r),
    firstSeenMs: r.firstSeenMs, lastSeenMs: r.lastSeenMs, links: links.length, linksUp: links.filter((l) => isUp(l.state)).length,
    via: path === null ? null : path.length <= 2 ? 'direct' : path[1]!, path, configVersion: r.configVersion,
    routes: routes.length, routesUp: routes.filter((x) => x.state === 'established').length,
    tags: r.tags ?? [], metrics: r.metrics ?? {}, held: r.held ?? null,
  };
};

export const nodesView = (m: MasterService): NodeView[] =>
  Object.values(m.registry.nodes).map((r) => nodeView(m, r)).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }) || a.address.localeCompare(b.address));

export interface TopologyView {
  master: string;
  nodes: { address: string; name: string; online: boolean }[];
  edges: { from: string; to: string; state: string; rttMs: number | null }[];
}

export const topologyView = (m: MasterService): TopologyView => {
  const self = m.overlay.node.status();
  const nodes = [{ address: self.address, name: self.name, online: true }];
  const edges: TopologyView['edges'] = self.links.map((l) => ({ from: self.address, to: l.peer, state: l.state, rttMs: l.rttMs }));
  for (const r of Object.values(m.registry.nodes)) {
    nodes.push({ address: r.address, name: r.name, online: m.online(r) });
    for (const [peer, l] of Object.entries(r.links)) edges.push({ from: r.address, to: peer, state: l.state, rttMs: l.rttMs });
  }
  return { master: self.address, nodes, edges };
};

/** Graphviz: one undirected edge per linked pair, dashed when the link is not up. */
export const topologyDot = (t: TopologyView): string => {
  const label = new Map(t.nodes.map((n) => [n.address, n.name || n.address.slice(0, 8)]));
  const seen = new Set<string>();
  const lines = ['graph skywire {'];
  for (const n of t.nodes) lines.push(`  "${n.address}" [label="${label.get(n.address)}"${n.address === t.master ? ', shape=box' : ''}${n.online ? '' : ', style=dashed'}];`);
  for (const e of t.edges) {
    const key = [e.from, e.to].sort().join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`  "${e.from}" -- "${e.to}"${isUp(e.state) ? '' : ' [style=dashed]'};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
};
