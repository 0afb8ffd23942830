// What route code shares: the link layer below, this node's forwarding table, its route key,
// and the path finder (the topology service) that sources ask for paths and hop keys.
import type { LinkLayer } from '../overlay/link-layer.ts';
import type { RouteTable } from './route-table.ts';
import type { Subject } from 'rxjs';
import type { RouteTransition } from './route-transition.ts';

export interface PathFinder {
  /** Addresses from this node to `dest`, both included, or null when unreachable. */
  pathTo(dest: string, avoid?: ReadonlySet<string>): string[] | null;
  /** The X25519 route key a node published in its signed topology record. */
  routeKeyOf(address: string): Uint8Array | undefined;
  /** A node's newest signed record, when the finder keeps them (lets avoided links return early). */
  record?(origin: string): { seq: number; links: readonly { peer: string }[] } | undefined;
  /** No path: ask for the records that would make one (stub topology nodes). */
  request?(dest: string): void;
  /** Emits when the topology changed, so a route waiting for a path looks again at once. */
  readonly changes$?: { subscribe(next: () => void): { unsubscribe(): void } };
}

import type { PlantableBug } from './planted-bugs.ts';

export interface RouteConfig {
  /** First setup retransmit after this multiple of the path's estimated RTT. */
  setupRetryRtts: number;
  setupRetryMinMs: number;
  setupAttempts: number;
  /** How long a source keeps trying to find a path before the route fails as unreachable. */
  resolveTimeoutMs: number;
  /** How long a broken route keeps searching for a new path: longer, since streams wait on it. */
  repairTimeoutMs: number;
  /** Endpoints send a keepalive after this much silence; relays forget routes idle for 4x. */
  keepaliveMs: number;
  /** An avoided (broken) link is avoided for this long, or until topology shows it again. */
  avoidMs: number;
  /** Conversations other nodes set up to us, at most (src/route/inbound-convs.ts): above a
   *  fleet's size (a master is the far end of every node's registration). */
  maxInbound: number;
  /** Route table entries at most, and at most per neighbour that set them up (route-table.ts). */
  maxRouteEntries: number;
  maxRoutesPerNeighbour: number;
  /** Deliberate bugs for the swarm test (planted-bugs.ts); empty everywhere else. */
  planted?: readonly PlantableBug[] | undefined;
}

export const defaultRouteConfig: Readonly<RouteConfig> = Object.freeze({
  setupRetryRtts: 3,
  setupRetryMinMs: 250,
  setupAttempts: 6,
  resolveTimeoutMs: 10_000,
  repairTimeoutMs: 90_000,
  keepaliveMs: 10_000,
  avoidMs: 60_000,
  maxInbound: 8_192,
  maxRouteEntries: 65_536,
  maxRoutesPerNeighbour: 16_384,
});

/** Fleet membership as routes need it (src/membership/route-gate.ts); open without a master. */
export interface RouteGate {
  /** May this node relay a route between neighbours `from` and `next`? */
  relay(from: string, next: string): boolean;
  /** This node's credential, shown to a route's far end inside the sealed setup or ack. */
  own(): Uint8Array | undefined;
  /** The far end `peer` (end-to-end authenticated) showed `credential` (maybe empty): may the
   *  route be accepted here? */
  accept(peer: string, credential: Uint8Array): boolean;
}

export const openGate: RouteGate = { relay: () => true, own: () => undefined, accept: () => true };

export interface RouterCtx {
  /** Replaced by the overlay once membership exists; open by default (tests, simulator). */
  gate: RouteGate;
  readonly layer: LinkLayer;
  readonly table: RouteTable;
  readonly routeSecret: Uint8Array;
  readonly paths: PathFinder;
  readonly config: RouteConfig;
  /** Every route's transitions, from XState inspection (src/route/route-transition.ts). */
  readonly transitions$: Subject<RouteTransition>;
  trace(ev: string, fields: Record<string, unknown>): void;
}
