// The topology layer of one node: originates its own record when its links change and every
// refreshMs, floods records it has not seen to its other neighbours, asks a neighbour for its
// whole database when their link comes up, and answers path queries over what it learned.
//
//   link up/down ─▶ Originator (debounced) ─▶ Flooder ─▶ neighbours
//   neighbour ─▶ RecordIntake ─▶ newer? ─▶ verify ─▶ Lsdb ─▶ Flooder ─▶ other neighbours
//                                                     └─▶ changes$, PathCache
import { Subject, type Subscription } from 'rxjs';
import { neighbourOf, Proto, type LinkChange, type LinkLayer } from '../overlay/link-layer.ts';
import { Flooder } from './flooder.ts';
import type { LinkRecord } from './link-record.ts';
import { Lsdb } from './lsdb.ts';
import { NamedTimers } from './named-timers.ts';
import { Originator } from './originator.ts';
import { PathCache } from './path-cache.ts';
import { RecordIntake } from './record-intake.ts';
import { routeKeyPair, type RouteKeyPair } from './route-key.ts';
import { withTopologyDefaults, type TopologyOptions } from './topology-options.ts';
import { encodeRecordRequest, encodeSyncRequest } from './topology-wire.ts';
import { parseAddress } from '../identity/address.ts';

/** The origin whose record changed or expired; our own address when our links changed. */
export interface TopologyChange { origin: string }

const isUp = (state: string): boolean => state === 'up' || state === 'rekeying';
/** Queue key of a sync request: not an address, so it never displaces a record. */
const SYNC_KEY = 'sync';

export class TopologyService {
  readonly options: TopologyOptions;
  readonly routeKey: RouteKeyPair;
  readonly changes$ = new Subject<TopologyChange>();
  readonly lsdb: Lsdb;
  readonly flooder: Flooder;
  private readonly timers: NamedTimers;
  private readonly originator: Originator;
  private readonly intake: RecordIntake;
  private readonly paths: PathCache;
  private readonly sub: Subscription;
  private stopped = false;
  private readonly requested = new Map<string, number>();

  constructor(private readonly layer: LinkLayer, options?: Partial<TopologyOptions>) {
    const o = (this.options = withTopologyDefaults(options));
    this.routeKey = routeKeyPair(layer.suite, layer.identity);
    this.lsdb = new Lsdb(layer.address, o.maxAgeMs, { maxRecords: o.maxRecords, maxTotalLinks: o.maxTotalLinks, maxRecordLinks: o.maxRecordLinks });
    this.flooder = new Flooder(layer, { ...o, holdMs: o.floodHoldMs });
    this.timers = new NamedTimers(layer.clock);
    const changed = (origin: string) => this.changes$.next({ origin });
    const common = { layer, lsdb: this.lsdb, flooder: this.flooder, changed };
    this.originator = new Originator({ ...common, timers: this.timers, options: o, routePublicKey: this.routeKey.publicKey });
    this.intake = new RecordIntake({ ...common, syncGuardMs: o.syncGuardMs, maxRecordLinks: o.maxRecordLinks, admitOrigin: o.admitOrigin, memo: o.recordMemo, heard: (peer) => this.heard(peer), reoriginate: () => this.originator.schedule(), pathTo: (d) => this.pathTo(d) });
    this.paths = new PathCache(this.lsdb, () => this.originator.links());
    layer.register(Proto.Topology, (peer, bytes) => {
      if (!this.stopped) this.intake.receive(peer, bytes);
    });
    this.sub = layer.linkEvents$.subscribe((e) => this.onLinkChange(e));
    this.flooder.trackLinks();
    this.originator.schedule();
    this.every('cost-check', o.costCheckMs, () => this.originator.checkCosts());
    this.every('expire', Math.max(1_000, Math.floor(o.maxAgeMs / 10)), () => this.expire());
  }

  /** Records held, our own included. */
  get records(): number {
    return this.lsdb.size;
  }

  record(origin: string): LinkRecord | undefined {
    return this.lsdb.get(origin);
  }

  /**
   * No path to `dest`: ask the neighbours for the records on their path to it (at most once per
   * requestEveryMs per destination); what arrives flows in as records do, and changes$ makes a
   * waiting route look again. A stub learns paths this way; a full node repairs a flood it
   * lost (floods are not acknowledged, and a big record in many fragments is lost whole when
   * one fragment is) instead of waiting for the next refresh.
   */
  request(dest: string): void {
    if (this.stopped || dest === this.layer.address) return;
    const now = this.layer.clock.now();
    const last = this.requested.get(dest);
    if (last !== undefined && now - last < this.options.requestEveryMs) return;
    if (this.requested.size >= 1024) this.requested.clear(); // bounded: one entry per destination asked for
    this.requested.set(dest, now);
    const msg = encodeRecordRequest(parseAddress(dest, 'destination'));
    for (const n of this.layer.neighbours()) this.flooder.enqueue(n.peer, `request:${dest}`, msg);
  }

  /** Addresses from us to `dest` inclusive, or null; `avoid` holds undirected edges "a|b". */
  /** Offers a neighbour every record it may see now: it was just admitted to the fleet. */
  resync(peer: string): void {
    this.intake.resync(peer);
  }

  pathTo(dest: string, avoid?: ReadonlySet<string>): string[] | null {
    return this.paths.pathTo(dest, avoid);
  }

  /** Estimated round trip along a path (sum of link RTTs, for retransmit timers), or undefined. */
  pathRttMs(path: readonly string[]): number | undefined {
    return this.paths.rttAlong(path);
  }

  /** The first hop towards every reachable node. */
  nextHops(): Map<string, string> {
    return this.paths.nextHops();
  }

  /** The X25519 key a source seals this node's route-setup slot to. */
  routeKeyOf(address: string): Uint8Array | undefined {
    return address === this.layer.address ? this.routeKey.publicKey : this.lsdb.get(address)?.routeKey;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.clearAll();
    this.flooder.stop();
    this.sub.unsubscribe();
    this.changes$.complete();
  }

  private every(name: string, ms: number, fn: () => void): void {
    this.timers.set(name, ms, () => {
      fn();
      this.every(name, ms, fn);
    });
  }

  private onLinkChange(e: LinkChange): void {
    if (this.stopped || isUp(e.from) === isUp(e.to)) return;
    if (isUp(e.to)) {
      // A slow carrier (radio: a bitrate is known) keeps flooding at once and asks once: there a
      // sync answer takes longer than any retry interval, and airtime is what it saves.
      const slow = neighbourOf(this.layer, e.peer)?.bitrate !== undefined;
      this.flooder.linkUp(e.peer, slow ? 0 : this.options.floodHoldMs);
      this.askSync(e.peer, slow ? 3 : 0);
    } else {
      this.timers.clear(`${SYNC_KEY}:${e.peer}`);
      this.flooder.forget(e.peer);
      this.intake.forget(e.peer);
    }
    this.paths.linkVersion++;
    this.changes$.next({ origin: this.layer.address });
    this.originator.schedule();
  }

  /** Sends our sync request, and again while nothing came back: the answer (the neighbour's
   *  database, or its own record for a stub) is how we learn the network, and the request is
   *  how the neighbour learns whether to flood us, so a lost one must not cost either. */
  private askSync(peer: string, tries: number): void {
    this.flooder.enqueue(peer, SYNC_KEY, encodeSyncRequest(this.options.stub));
    if (tries >= 3) return;
    this.timers.set(`${SYNC_KEY}:${peer}`, this.options.syncRetryMs, () => this.askSync(peer, tries + 1));
  }

  private heard(peer: string): void {
    this.timers.clear(`${SYNC_KEY}:${peer}`);
  }

  private expire(): void {
    const now = this.layer.clock.now();
    for (const origin of this.lsdb.expire(now)) {
      this.layer.trace.emit({ t: now, node: this.layer.name, ev: 'topo.expire', origin });
      this.changes$.next({ origin });
    }
  }
}
