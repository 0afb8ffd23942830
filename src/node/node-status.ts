// A plain-data snapshot of a node for `skywire status`, the TUI and tests.
import type { LinkStatsView } from '../link/link-stats.ts';
import type { SkyNode } from './node.ts';
import type { UnknownPeersView } from './unknown-peers.ts';

export interface LinkStatus extends LinkStatsView {
  peer: string;
  state: string;
  carrier: string;
  endpoint: string | null;
}

export interface NodeStatus {
  name: string;
  address: string;
  uptimeMs: number;
  links: LinkStatus[];
  drops: Record<string, number>;
  /** Links for unconfigured peers: how many, the bound, and how many were removed. */
  unknownPeers: UnknownPeersView;
}

export const nodeStatus = (node: SkyNode): NodeStatus => ({
  name: node.name,
  address: node.address,
  uptimeMs: node.clock.now() - node.startedAt,
  links: [...node.links.values()].map((l) => ({
    peer: l.peer,
    state: l.state,
    carrier: l.carrier.kind,
    endpoint: l.endpoint ?? null,
    ...l.stats.view(),
  })).sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0)),
  drops: { ...node.drops } as Record<string, number>,
  unknownPeers: node.unknown.view(),
});
