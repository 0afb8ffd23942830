// Safety properties checked after every event of a run (`sim swarm`, or `sim run --invariants`):
// the first one broken stops the run and names the time, the invariant and what broke it.
//   no-loop          following route labels never comes back to where it started
//   relay-conserves  no relay sends more data packets on a route than arrived on it
//   relay-links-up   a relay entry only joins two neighbours whose links are up (at that node)
//   stream-order     a stream delivers exactly the sender's bytes, in order, each once
//   sms-once         no SMS is delivered twice
// The loop and link scans run only after an event that changed a forwarding table or a link's
// state; the relay counters are read after every event (swarm scenarios are tens of nodes).
import type { RouteTable } from '../src/route/route-table.ts';
import { findForwardingLoop } from './loop-check.ts';
import type { SimNode } from './sim-node.ts';

export type InvariantName = 'no-loop' | 'relay-conserves' | 'relay-links-up' | 'stream-order' | 'sms-once';
export const INVARIANTS: readonly InvariantName[] = Object.freeze(['no-loop', 'relay-conserves', 'relay-links-up', 'stream-order', 'sms-once']);

export interface Violation { t: number; invariant: InvariantName; detail: string }

export interface InvariantSources {
  nodes: ReadonlyMap<string, SimNode>;
  nameOf: (address: string) => string;
  /** First stream misdelivery seen by the traffic receiver, if any. */
  streamFault: () => string | undefined;
  smsFault: () => string | undefined;
}

export class SimInvariants {
  /** Set by the runner when a table or a link changed during the last event. */
  dirty = true;
  checks = 0;

  constructor(private readonly s: InvariantSources) {}

  /** After one event: the first invariant it broke, or null. */
  check(t: number): Violation | null {
    const stream = this.s.streamFault();
    if (stream) return { t, invariant: 'stream-order', detail: stream };
    const sms = this.s.smsFault();
    if (sms) return { t, invariant: 'sms-once', detail: sms };
    for (const n of this.s.nodes.values()) {
      if (!n.overlay) continue;
      for (const e of n.overlay.router.table.byId.values()) {
        if (e.kind === 'relay' && e.dataOut > e.dataIn) return { t, invariant: 'relay-conserves', detail: `${n.name} sent ${e.dataOut} data packets on route ${e.myId} (${this.s.nameOf(e.prevPeer)} <-> ${this.s.nameOf(e.nextPeer)}) but ${e.dataIn} arrived` };
      }
    }
    if (!this.dirty) return null;
    this.dirty = false;
    this.checks++;
    const tables = new Map<string, RouteTable>();
    for (const n of this.s.nodes.values()) if (n.overlay) tables.set(n.identity.address, n.overlay.router.table);
    const loop = findForwardingLoop(tables);
    if (loop) return { t, invariant: 'no-loop', detail: `route ${loop.id} at ${this.s.nameOf(loop.node)} cycles through ${loop.cycle.map((c) => this.s.nameOf(c.split('#')[0]!)).join(' -> ')}` };
    for (const n of this.s.nodes.values()) {
      const node = n.node;
      if (!node || !n.overlay) continue;
      for (const e of n.overlay.router.table.byId.values()) {
        if (e.kind !== 'relay') continue;
        for (const p of [e.prevPeer, e.nextPeer]) {
          if (!node.neighbour(p)) return { t, invariant: 'relay-links-up', detail: `${n.name} relays route ${e.myId} through ${this.s.nameOf(p)}, whose link is ${node.links.get(p)?.state ?? 'absent'}` };
        }
      }
    }
    return null;
  }
}
