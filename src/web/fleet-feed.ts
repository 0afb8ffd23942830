// The dashboard's live fleet: every open page gets the whole fleet once, then, every tick, only
// the nodes whose row changed (a heartbeat, a registration, a stream closed, or a node going
// offline because its heartbeats stopped). Nothing polls the fleet from the page. A page that
// cannot keep up (its socket's buffer over BACKLOG_BYTES) is sent nothing until it drains and
// then one fresh snapshot, so a slow browser costs the master a bounded buffer, not a queue.
import type { Subscription } from 'rxjs';
import type { Clock, TimerHandle } from '../env/clock.ts';
import type { MasterService } from '../master/master-service.ts';
import { nodeView, type NodeView } from '../master/fleet-view.ts';

export interface FeedClient {
  send(text: string): void;
  readonly bufferedAmount: number;
}

export const BACKLOG_BYTES = 4 << 20;
export const MAX_FEED_CLIENTS = 32;

export type FeedMessage =
  | { t: 'snapshot'; master: { address: string; name: string }; offlineAfterMs: number; nodes: NodeView[] }
  | { t: 'delta'; set: NodeView[]; removed: string[] };

export class FleetFeed {
  private readonly clients = new Map<FeedClient, { stale: boolean }>();
  private readonly dirty = new Set<string>();
  private readonly online = new Map<string, boolean>();
  private readonly sent = new Map<string, string>();
  private timer: TimerHandle | undefined;
  private sub: Subscription | undefined;
  /** Counters for status and the bench: rows sent, snapshots, pages skipped while backlogged. */
  readonly counters = { deltas: 0, rows: 0, snapshots: 0, backlogged: 0, refused: 0 };

  constructor(private readonly m: MasterService, private readonly clock: Clock, private readonly tickMs = 250) {}

  start(): this {
    this.baseline();
    // With no page open nothing is kept per change (a flood of strangers registering would
    // otherwise fill `dirty`); the first page to open takes a fresh baseline instead.
    this.sub = this.m.server.changed$.subscribe((a) => { if (this.clients.size > 0) this.dirty.add(a); else this.idleChanges = true; });
    this.schedule();
    return this;
  }

  private idleChanges = false;

  /** What every page is taken to have: the registry as it is now. */
  private baseline(): void {
    this.sent.clear();
    this.online.clear();
    this.dirty.clear();
    for (const r of Object.values(this.m.registry.nodes)) {
      const v = nodeView(this.m, r);
      this.sent.set(v.address, JSON.stringify(v));
      this.online.set(v.address, v.online);
    }
  }

  stop(): void {
    this.sub?.unsubscribe();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.clients.clear();
  }

  /** A new page: it gets the snapshot now. False when MAX_FEED_CLIENTS are open already. */
  add(c: FeedClient): boolean {
    if (this.clients.size >= MAX_FEED_CLIENTS) {
      this.counters.refused++;
      return false;
    }
    if (this.clients.size === 0 && this.idleChanges) {
      this.baseline();
      this.idleChanges = false;
    }
    this.clients.set(c, { stale: false });
    this.sendSnapshot(c);
    return true;
  }

  remove(c: FeedClient): void {
    this.clients.delete(c);
  }

  get size(): number {
    return this.clients.size;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.tick();
      this.schedule();
    }, this.tickMs);
  }

  private snapshot(): FeedMessage {
    const self = this.m.overlay.node;
    // `sent` is left alone: it is what every page has had in deltas; rows newer than it come
    // again in the next delta, which a page applies as a plain overwrite.
    const nodes = Object.values(this.m.registry.nodes).map((r) => nodeView(this.m, r));
    return { t: 'snapshot', master: { address: self.address, name: self.name }, offlineAfterMs: this.m.offlineAfterMs, nodes };
  }

  private sendSnapshot(c: FeedClient): void {
    c.send(JSON.stringify(this.snapshot()));
    this.counters.snapshots++;
  }

  /** One tick: the changed rows, to every page that is keeping up. */
  tick(): void {
    // No page open: nothing to compute (the first page takes a fresh baseline, see start()).
    if (this.clients.size === 0) return;
    const nodes = this.m.registry.nodes;
    // Going offline is a change no event announces: heartbeats just stop.
    for (const r of Object.values(nodes)) if (this.online.get(r.address) !== this.m.online(r)) this.dirty.add(r.address);
    if (this.dirty.size === 0) return this.serveStale();
    const set: NodeView[] = [];
    const removed: string[] = [];
    for (const a of this.dirty) {
      const r = Object.hasOwn(nodes, a) ? nodes[a] : undefined;
      if (!r) {
        if (this.sent.delete(a)) removed.push(a);
        this.online.delete(a);
        continue;
      }
      const v = nodeView(this.m, r);
      const text = JSON.stringify(v);
      this.online.set(a, v.online);
      if (this.sent.get(a) === text) continue;
      this.sent.set(a, text);
      set.push(v);
    }
    this.dirty.clear();
    if (set.length === 0 && removed.length === 0) return this.serveStale();
    const msg = JSON.stringify({ t: 'delta', set, removed } satisfies FeedMessage);
    for (const [c, st] of this.clients) {
      if (st.stale || c.bufferedAmount > BACKLOG_BYTES) {
        if (!st.stale) this.counters.backlogged++;
        st.stale = true;
        continue;
      }
      c.send(msg);
      this.counters.deltas++;
      this.counters.rows += set.length;
    }
    this.serveStale();
  }

  /** Pages that fell behind get one snapshot once their buffer has drained. */
  private serveStale(): void {
    for (const [c, st] of this.clients) {
      if (st.stale && c.bufferedAmount === 0) {
        st.stale = false;
        this.sendSnapshot(c);
      }
    }
  }
}
