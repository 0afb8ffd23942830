// Routes on one node: the Proto.Route demux for relays and endpoints, link-down handling, idle
// expiry, and the source-side route actors. Conversations are handed to `attach` so the layer
// above (streams) can sit on them without the router knowing what it carries.
import type { LinkLayer } from '../overlay/link-layer.ts';
import { Proto } from '../overlay/link-layer.ts';
import type { TimerHandle } from '../env/clock.ts';
import { RouteActor } from '../../actors/route-actor.ts';
import { Conversation } from './conversation.ts';
import { acceptSetup } from './inbound.ts';
import { InboundConversations } from './inbound-convs.ts';
import { breakRelay, BrokenReason, brokenToDest, brokenToSource, relayAck, relayData, relaySetup, relaySetupAgain, relayTeardown } from './relay.ts';
import { RouteTable, type RouteEntry } from './route-table.ts';
import { decodeHeader, decodeReply, decodeSetup, encodeClose, REPLY_FIXED_BYTES, ROUTE_HEADER_BYTES, RouteMsg } from './route-wire.ts';
import { entryForLost, LostLabels } from './lost-label.ts';
import { defaultRouteConfig, openGate, type PathFinder, type RouteConfig, type RouterCtx } from './router-ctx.ts';
import { keysAtHop, peelSlot, SlotFlag } from './setup-onion.ts';
import { Subject } from 'rxjs';
import type { RouteTransition } from './route-transition.ts';

export class Router {
  readonly ctx: RouterCtx;
  readonly table: RouteTable;
  readonly routes = new Map<string, RouteActor>();
  /** Every source route's state transitions as they happen (XState inspection events). */
  readonly transitions$ = new Subject<RouteTransition>();
  /** Conversations other nodes set up to us: bounded (src/route/inbound-convs.ts). */
  readonly inbound: InboundConversations;
  /** A conversation this router is done with (closed, evicted, swept or replaced): the layer
   *  above forgets what it attached to it. */
  readonly released$ = new Subject<Conversation>();
  private sweepTimer: TimerHandle | undefined;
  private stopped = false;
  private readonly lost: LostLabels;
  private topoSub: { unsubscribe(): void } | undefined;

  constructor(readonly layer: LinkLayer, paths: PathFinder, routeSecret: Uint8Array, private readonly attach: (conv: Conversation) => void, config?: Partial<RouteConfig>) {
    const c: RouteConfig = { ...defaultRouteConfig, ...config };
    this.table = new RouteTable(layer.random, { maxEntries: c.maxRouteEntries, maxPerNeighbour: c.maxRoutesPerNeighbour });
    this.lost = new LostLabels(layer);
    const trace = (ev: string, fields: Record<string, unknown>): void => layer.trace.emit({ t: layer.clock.now(), node: layer.name, ev, ...fields });
    this.ctx = { gate: openGate, layer, table: this.table, routeSecret, paths, config: c, transitions$: this.transitions$, trace };
    this.inbound = new InboundConversations(layer, this.table, c, attach, (conv) => this.released$.next(conv));
    layer.register(Proto.Route, (peer, bytes) => this.onPacket(peer, bytes));
    layer.linkEvents$.subscribe((e) => {
      const wasUp = e.from === 'up' || e.from === 'rekeying';
      if (wasUp && e.to !== 'up' && e.to !== 'rekeying') this.linkDown(e.peer);
      if (!wasUp && e.to === 'up') for (const r of this.routes.values()) r.avoid.forgetLink(layer.address, e.peer);
    });
    this.topoSub = paths.changes$?.subscribe(() => {
      for (const r of this.routes.values()) r.topologyChanged();
    });
    this.scheduleSweep();
  }

  /** The route to `dest`, set up on first use and reused while it lives. */
  route(dest: string): RouteActor {
    const existing = this.routes.get(dest);
    if (existing && existing.state !== 'failed' && existing.state !== 'closed') return existing;
    if (existing) this.released$.next(existing.conv); // replaced: its conversation is over
    const r = new RouteActor(this.ctx, dest, Buffer.from(this.layer.random.bytes(8)).toString('hex'));
    this.routes.set(dest, r);
    this.attach(r.conv);
    r.start();
    return r;
  }

  private onPacket(from: string, b: Uint8Array): void {
    const h = decodeHeader(b);
    if (!h.ok) return this.layer.countDrop(`route-${h.reason}`);
    if (h.value.type === RouteMsg.Setup) return this.onSetup(from, b);
    if (h.value.type === RouteMsg.Lost) return this.onLost(from, h.value.routeId);
    const e = this.table.byId.get(h.value.routeId);
    if (!e) {
      if (h.value.type === RouteMsg.Data || h.value.type === RouteMsg.DataDirect) this.lost.unknownData(from, h.value.routeId);
      return this.layer.countDrop('route-unknown-id');
    }
    if (e.kind === 'end' && e.peer !== from) return this.layer.countDrop('route-wrong-link');
    e.lastUsed = this.layer.clock.now();
    switch (h.value.type) {
      case RouteMsg.Data:
        return e.kind === 'relay' ? relayData(this.ctx, from, e, b) : e.handler.onData(b.subarray(6), b);
      case RouteMsg.DataDirect:
        // Never forwarded: it carries no end-to-end seal, so it may only cross one link.
        return e.kind === 'relay' ? this.layer.countDrop('route-direct-at-relay') : e.handler.onDirect(from, b.subarray(ROUTE_HEADER_BYTES));
      case RouteMsg.SetupAck: {
        const r = decodeReply(b);
        if (!r.ok) return this.layer.countDrop(`route-${r.reason}`);
        return e.kind === 'relay' ? relayAck(this.ctx, from, e, r.value) : e.handler.onAck?.(r.value.senderId, r.value.sealed, r.value.pathMtu);
      }
      case RouteMsg.Broken:
      case RouteMsg.Close:
        if (e.kind === 'relay') return relayTeardown(this.ctx, from, e, b);
        this.table.remove(e.myId);
        if (h.value.type === RouteMsg.Close) {
          e.handler.onClose();
          return this.inbound.closed(e.myId); // a conversation set up to us ends with its route
        }
        return e.handler.onBroken(b.subarray(REPLY_FIXED_BYTES));
    }
  }

  private onSetup(from: string, b: Uint8Array): void {
    const s = decodeSetup(b);
    if (!s.ok) return this.layer.countDrop(`route-${s.reason}`);
    const known = this.table.bySetup.get(`${from}|${s.value.senderId}`);
    const again = known === undefined ? undefined : this.table.byId.get(known);
    if (again?.kind === 'relay') return relaySetupAgain(this.ctx, again);
    if (again?.kind === 'end' && again.ack) return void this.layer.sendTo(from, again.ack);
    // Bounded table: refused before any public-key work (src/route/route-table.ts).
    if (!this.table.admits(from)) return this.layer.countDrop('route-table-full');
    const keys = keysAtHop(this.layer.suite, this.ctx.routeSecret, s.value.ephemeral);
    const peeled = keys && peelSlot(s.value.slots, keys.hop, s.value.ephemeral, this.layer.random);
    if (!keys || !peeled) return this.layer.countDrop('route-bad-slot');
    if (peeled.flag === SlotFlag.Relay) return relaySetup(this.ctx, from, s.value, keys.hop, peeled);
    acceptSetup(this.ctx, {
      conversation: (peer, convId) => this.inbound.open(peer, convId),
      rebound: (conv, entry) => this.inbound.rebound(conv, entry),
    }, from, s.value, keys);
  }

  private linkDown(peer: string): void {
    for (const e of this.table.using(peer)) this.brokenVia(e, peer);
  }

  /** The route through `peer` is gone: its link went down, or (lost) the peer restarted and
   *  forgot it, in which case the link is fine and the new path may use it again. */
  private brokenVia(e: RouteEntry, peer: string, lost = false): void {
    if (e.kind === 'relay') return breakRelay(this.ctx, e, peer, lost ? BrokenReason.Lost : BrokenReason.NextDown);
    this.table.remove(e.myId);
    const source = [...this.routes.values()].find((r) => r.attempt?.myId === e.myId);
    if (source) source.firstHopDown(!lost);
    else e.handler.onBroken(new Uint8Array(0));
  }

  /** `from` restarted and holds no state for its label `id` (src/route/lost-label.ts). */
  private onLost(from: string, id: number): void {
    const e = entryForLost(this.table, from, id);
    if (!e) return this.layer.countDrop('route-lost-unknown');
    this.ctx.trace('route.lost', { route: e.myId });
    this.brokenVia(e, from, true);
  }

  private scheduleSweep(): void {
    if (this.stopped) return;
    this.sweepTimer = this.layer.clock.setTimeout(() => {
      this.sweep();
      this.scheduleSweep();
    }, this.ctx.config.keepaliveMs);
  }

  /** Forgets routes nobody used for four keepalive periods: the endpoints are gone. */
  private sweep(): void {
    this.lost.clear();
    for (const e of this.table.idle(this.layer.clock.now(), 4 * this.ctx.config.keepaliveMs)) {
      if (e.kind === 'end' && [...this.routes.values()].some((r) => r.attempt?.myId === e.myId)) continue;
      this.table.remove(e.myId);
      if (e.kind === 'end') e.handler.onBroken(new Uint8Array(0));
    }
    this.inbound.sweep(this.layer.clock.now());
  }

  /** `peer` was revoked: end our conversations with it and every route we relay to or from it
   *  (both ends hear Broken), so a removal takes effect on open streams too, not only new ones. */
  evictPeer(peer: string): void {
    const n = this.inbound.evictPeer(peer);
    const src = this.routes.get(peer);
    if (src) {
      src.conv.upper?.fail('forbidden');
      this.close(peer);
    }
    // Relayed routes: the source hears NotMember (its route fails with 'forbidden', no repair),
    // the destination a plain break.
    for (const e of [...this.table.byId.values()]) {
      if (e.kind !== 'relay' || (e.prevPeer !== peer && e.nextPeer !== peer)) continue;
      this.table.remove(e.myId);
      this.layer.sendTo(e.prevPeer, brokenToSource(this.ctx, e.prevId, e.myId, e.hopKey, BrokenReason.NotMember));
      if (e.nextId !== 0) this.layer.sendTo(e.nextPeer, brokenToDest(this.ctx, e.nextId, e.myId));
    }
    if (n > 0 || src) this.layer.countDrop('route-peer-revoked');
  }

  close(dest: string): void {
    const r = this.routes.get(dest);
    if (!r) return;
    const a = r.attempt;
    if (a && a.entry.remoteId !== 0) this.layer.sendTo(a.path[1]!, encodeClose(a.entry.remoteId));
    r.close();
    this.routes.delete(dest);
    this.released$.next(r.conv);
  }

  stop(): void {
    this.stopped = true;
    this.topoSub?.unsubscribe();
    if (this.sweepTimer !== undefined) this.layer.clock.clearTimeout(this.sweepTimer);
    for (const r of this.routes.values()) r.stop();
    this.transitions$.complete();
    this.released$.complete();
  }
}
