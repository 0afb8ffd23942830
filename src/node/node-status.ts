// A plain-data snapshot of a node for `skywire status`, the TUI and tests.
import type { LinkStatsView } from '../link/link-stats.ts';
import type { SkyNode } from './node.ts';
import { linkProblem } from './link-problem.ts';
import type { UnknownPeersView } from './unknown-peers.ts';

export interface LinkStatus extends LinkStatsView {
  peer: string;
  state: string;
  carrier: string;
  endpoint: string | null;
  /** Why it is not up, when we can tell (src/node/link-problem.ts); null when up or unknown. */
  problem: string | null;
}

export interface NodeStatus {
  name: string;
  address: string;
  uptimeMs: number;
  links: LinkStatus[];
  drops: Record<string, number>;
  /** Links for unconfigured peers: how many, the bound, and how many were removed. */
  unknownPeers: UnknownPeersView;
  /** Inits for another address that we told so (src/wire/misaddressed.ts). */
  misaddressedAnswered: number;
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
    problem: linkProblem(l, node.clock.now()),
    ...l.stats.view(),
  })).sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0)),
  drops: { ...node.drops } as Record<string, number>,
  unknownPeers: node.unknown.view(),
  misaddressedAnswered: node.misaddressedAnswered,
});
