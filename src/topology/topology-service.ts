// The topology layer of one node: originates its own record when its links change and every
// refreshMs, floods records it has not seen to its other neighbours, syncs the whole database
// to a neighbour whose link comes up, and answers path queries over what it learned.
//
//   link up/down ──▶ originate (debounced) ──▶ flood ──▶ neighbours
//   neighbour ──▶ parse ──▶ newer? ──▶ verify ──▶ lsdb ──▶ flood on ──▶ other neighbours
//                                                   └──▶ changes$, path cache
import { Subject, type Subscription } from 'rxjs';
import { Proto, type LinkChange, type LinkLayer } from '../overlay/link-layer.ts';
import { Flooder } from './flooder.ts';
import { ownLinks, linksMoved } from './link-cost.ts';
import type { LinkRecord } from './link-record.ts';
import { Lsdb } from './lsdb.ts';
import { NamedTimers } from './named-timers.ts';
import { PathCache } from './path-cache.ts';
import { parseRecord, signRecord, verifyRecord } from './record-codec.ts';
import { routeKeyPair, type RouteKeyPair } from './route-key.ts';
import { withTopologyDefaults, type TopologyOptions } from './topology-options.ts';
import { decodeTopoMsg, encodeRecordMsg, encodeSyncRequest } from './topology-wire.ts';

/** The origin whose record changed, expired, or our own address when our links changed. */
export interface TopologyChange { origin: string }

const isUp = (state: string): boolean => state === 'up' || state === 'rekeying';
/** Queue key of a sync request; not an address, so it never collides with a record. */
const SYNC_KEY = 'sync';

export class TopologyService {
  readonly options: TopologyOptions;
  readonly routeKey: RouteKeyPair;
  readonly changes$ = new Subject<TopologyChange>();
  readonly lsdb: Lsdb;
  readonly flooder: Flooder;
  private readonly paths: PathCache;
  private readonly timers: NamedTimers;
  private readonly staticPeers: ReadonlySet<string> | undefined;
  private readonly syncAnswered = new Map<string, number>();
  private readonly sub: Subscription;
  private lastOriginateAt: number | undefined;
  private stopped = false;

  constructor(private readonly layer: LinkLayer, options?: Partial<TopologyOptions>) {
    this.options = withTopologyDefaults(options);
    const o = this.options;
    this.routeKey = routeKeyPair(layer.suite, layer.identity);
    this.staticPeers = o.staticPeers ? new Set(o.staticPeers) : undefined;
    this.lsdb = new Lsdb(layer.address, o.maxAgeMs);
    this.flooder = new Flooder(layer, o);
    this.paths = new PathCache(this.lsdb, () => this.currentLinks());
    this.timers = new NamedTimers(layer.clock);
    layer.register(Proto.Topology, (peer, bytes) => this.onMessage(peer, bytes));
    this.sub = layer.linkEvents$.subscribe((e) => this.onLinkChange(e));
    this.scheduleOriginate();
    this.every('cost-check', o.costCheckMs, () => this.checkCosts());
    this.every('expire', Math.max(1_000, Math.floor(o.maxAgeMs / 10)), () => this.expire());
  }

  /** Records held, our own included. */
  get records(): number {
    return this.lsdb.size;
  }

  record(origin: string): LinkRecord | undefined {
    return this.lsdb.get(origin);
  }

  /** Addresses from us to `dest` inclusive, or null; `avoid` holds undirected edges "a|b". */
  pathTo(dest: string, avoid?: ReadonlySet<string>): string[] | null {
    return this.paths.pathTo(dest, avoid);
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

  private currentLinks() {
    return ownLinks(this.layer.neighbours(), { unknownCostMs: this.options.unknownCostMs, staticPeers: this.staticPeers });
  }

  private every(name: string, ms: number, fn: () => void): void {
    this.timers.set(name, ms, () => {
      fn();
      this.every(name, ms, fn);
    });
  }

  private onLinkChange(e: LinkChange): void {
    if (this.stopped || isUp(e.from) === isUp(e.to)) return;
    if (isUp(e.to)) this.flooder.enqueue(e.peer, SYNC_KEY, encodeSyncRequest());
    else this.flooder.forget(e.peer);
    this.paths.linkVersion++;
    this.changes$.next({ origin: this.layer.address });
    this.scheduleOriginate();
  }

  private onMessage(peer: string, bytes: Uint8Array): void {
    if (this.stopped) return;
    const m = decodeTopoMsg(bytes);
    if (!m.ok) return this.layer.countDrop(m.reason);
    if (m.value.type === 'sync-request') return this.answerSync(peer);
    const parsed = parseRecord(m.value.record);
    if (!parsed.ok) return this.layer.countDrop(parsed.reason);
    const rec = parsed.value;
    // Echoes and older copies are the normal cost of flooding, not drops: skip the signature.
    if (!this.lsdb.wants(rec)) return;
    if (!verifyRecord(this.layer.suite, rec)) return this.layer.countDrop('bad-signature');
    const before = this.lsdb.version;
    const result = this.lsdb.offer(rec, this.layer.clock.now());
    if (result === 'own-newer') return this.scheduleOriginate();
    if (result !== 'new') return;
    this.flooder.flood(rec.origin, encodeRecordMsg(rec.bytes), peer);
    if (this.lsdb.version !== before) this.changes$.next({ origin: rec.origin });
  }

  private answerSync(peer: string): void {
    const now = this.layer.clock.now();
    const last = this.syncAnswered.get(peer);
    if (last !== undefined && now - last < this.options.syncGuardMs) return this.layer.countDrop('rate-limited');
    this.syncAnswered.set(peer, now);
    for (const r of this.lsdb.records()) this.flooder.enqueue(peer, r.origin, encodeRecordMsg(r.bytes));
  }

  private scheduleOriginate(): void {
    if (this.stopped || this.timers.has('originate')) return;
    const now = this.layer.clock.now();
    const at = this.lastOriginateAt === undefined ? now : this.lastOriginateAt + this.options.minOriginateIntervalMs;
    this.timers.set('originate', Math.max(0, at - now), () => this.originate());
  }

  private originate(): void {
    const { layer } = this;
    const now = layer.clock.now();
    const links = this.currentLinks();
    const rec = signRecord({ suite: layer.suite, identity: layer.identity, routeKey: this.routeKey.publicKey, seq: this.lsdb.nextOwnSeq(layer.clock.wallMs()), links });
    const before = this.lsdb.version;
    this.lsdb.setOwn(rec, now);
    this.lastOriginateAt = now;
    this.flooder.flood(rec.origin, encodeRecordMsg(rec.bytes));
    // No seq here: it is wall-clock derived, and traces carry no wall-clock values.
    layer.trace.emit({ t: now, node: layer.name, ev: 'topo.originate', links: links.length });
    if (this.lsdb.version !== before) this.changes$.next({ origin: rec.origin });
    this.timers.set('refresh', this.options.refreshMs, () => this.scheduleOriginate());
  }

  private checkCosts(): void {
    const own = this.lsdb.get(this.layer.address);
    if (own && linksMoved(own.links, this.currentLinks())) this.scheduleOriginate();
  }

  private expire(): void {
    for (const origin of this.lsdb.expire(this.layer.clock.now())) {
      this.layer.trace.emit({ t: this.layer.clock.now(), node: this.layer.name, ev: 'topo.expire', origin });
      this.changes$.next({ origin });
    }
  }
}
