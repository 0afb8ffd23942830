// Route state transitions as one RxJS stream. Route actors are created on demand and the router
// has no "route added" event, so each poll subscribes to actors it has not seen yet; from then
// on every transition arrives as it happens, through the actor's state$ subject.
import { Subject, pairwise, type Subscription } from 'rxjs';
import type { Router } from '../../src/route/router.ts';
import type { RouteActor } from '../../actors/route-actor.ts';

export interface RouteTransition { dest: string; from: string; to: string }

export class RouteWatch {
  readonly transitions$ = new Subject<RouteTransition>();
  private readonly seen = new WeakSet<RouteActor>();
  private readonly subs: Subscription[] = [];
  private stopped = false;

  constructor(private readonly router: Router) {
    // Catch each actor as the router stores it, before it starts, so no transition is missed
    // between polls (setup on loopback takes a millisecond). Only this router instance changes.
    const routes = router.routes;
    const set = routes.set.bind(routes);
    routes.set = (k, v) => {
      set(k, v);
      this.poll();
      return routes;
    };
  }

  /** Picks up new route actors; cheap (one WeakSet lookup per route), call on every refresh. */
  poll(): void {
    if (this.stopped) return;
    for (const r of this.router.routes.values()) {
      if (this.seen.has(r)) continue;
      this.seen.add(r);
      // The first value is the state at subscription; report it as a transition from "new".
      this.transitions$.next({ dest: r.dest, from: 'new', to: r.state$.value });
      this.subs.push(r.state$.pipe(pairwise()).subscribe(([from, to]) => this.transitions$.next({ dest: r.dest, from, to })));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
    this.transitions$.complete();
  }
}
