// Text for the master TUI's lower pane: one node's links and routes as its heartbeats reported
// them, or the whole fleet's topology as an adjacency list (which fits a terminal at any size).
import type { MasterService } from '../../src/master/master-service.ts';
import { topologyView } from '../../src/master/fleet-view.ts';
import { agoS } from '../screen.ts';

export const nodeDetail = (m: MasterService, address: string, nowWall: number): string[] => {
  const r = m.registry.nodes[address];
  if (!r) return ['(node not in the registry)'];
  const name = (a: string): string => m.registry.nodes[a]?.name || (a === m.overlay.node.address ? 'master' : a.slice(0, 12));
  const links = Object.entries(r.links).map(([p, l]) => `  ${name(p).padEnd(14)}${l.state.padEnd(12)}${l.rttMs === null ? '-' : `${l.rttMs}ms`}`);
  const routes = Object.entries(r.routes).map(([d, x]) => `  ${name(d).padEnd(14)}${x.state.padEnd(12)}${x.hops ?? '-'} hops`);
  return [
    `${r.name} ${r.address}  ${m.online(r) ? 'online' : 'OFFLINE'}  seen ${agoS(nowWall - r.lastSeenMs)} ago  v${r.version}`,
    `path ${r.path ? r.path.map(name).join(' > ') : 'unknown'}`,
    `links (${links.length})`, ...links, `routes (${routes.length})`, ...(routes.length ? routes : ['  none']),
  ];
};

export const topologyLines = (m: MasterService): string[] => {
  const t = topologyView(m);
  const name = new Map(t.nodes.map((n) => [n.address, n.address === t.master ? 'master' : n.name || n.address.slice(0, 12)]));
  const adj = new Map<string, string[]>();
  for (const e of t.edges) {
    const up = e.state === 'up' || e.state === 'rekeying';
    adj.set(e.from, [...(adj.get(e.from) ?? []), `${name.get(e.to) ?? e.to.slice(0, 12)}${up ? '' : '(' + e.state + ')'}`]);
  }
  return [`topology: ${t.nodes.length} nodes, ${t.edges.length} link ends (x(state) = not up)`,
    ...t.nodes.map((n) => `${(name.get(n.address) ?? '').padEnd(10)}${n.online ? ' ' : '!'} -- ${(adj.get(n.address) ?? []).join(' ')}`)];
};
