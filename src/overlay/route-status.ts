// Plain-data view of a node's routes for `skywire status`, `skywire route` and the TUI.
import type { Overlay } from './overlay.ts';

export interface RouteStatus {
  dest: string;
  state: string;
  path: string[] | null;
  hops: number | null;
  repairs: number;
  lastRxAgoMs: number;
}

export const routeStatus = (o: Overlay): RouteStatus[] => {
  const now = o.node.clock.now();
  return [...o.router.routes.values()].map((r) => ({
    dest: r.dest,
    state: r.state,
    path: r.attempt?.path ?? null,
    hops: r.attempt ? r.attempt.path.length - 1 : null,
    repairs: r.repairs,
    lastRxAgoMs: now - r.conv.lastRx,
  })).sort((a, b) => (a.dest < b.dest ? -1 : 1));
};
