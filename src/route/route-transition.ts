// One route's state change as XState's inspection reports it: what a TUI or a log watches live.
// Read from the actor's inspection stream rather than derived from snapshots we already trace,
// so the event that caused it is known too.
export interface RouteTransition {
  /** Virtual or real monotonic ms on the node's clock. */
  t: number;
  dest: string;
  from: string;
  to: string;
  /** The machine event that caused it (e.g. ROUTE.ACK, ROUTE.BROKEN, xstate.after.setupRetry). */
  event: string;
}
