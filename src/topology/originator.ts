// Our own record: what links we advertise, and when we sign a new one. A new record goes out
// when our links change (at most once per minOriginateIntervalMs, so a burst of link events
// costs one record), when measured costs move enough, and every refreshMs so others keep it.
import type { LinkLayer } from '../overlay/link-layer.ts';
import type { Flooder } from './flooder.ts';
import { linksMoved, ownLinks } from './link-cost.ts';
import type { RecordLink } from './link-record.ts';
import type { Lsdb } from './lsdb.ts';
import type { NamedTimers } from './named-timers.ts';
import { signRecord } from './record-codec.ts';
import type { TopologyOptions } from './topology-options.ts';
import { encodeRecordMsg } from './topology-wire.ts';

export interface OriginatorDeps {
  layer: LinkLayer;
  lsdb: Lsdb;
  flooder: Flooder;
  timers: NamedTimers;
  options: TopologyOptions;
  routePublicKey: Uint8Array;
  /** Called when our record changed the graph (not on a plain refresh). */
  changed: (origin: string) => void;
}

export class Originator {
  private lastAt: number | undefined;
  private readonly staticPeers: ReadonlySet<string> | undefined;

  constructor(private readonly d: OriginatorDeps) {
    this.staticPeers = d.options.staticPeers ? new Set(d.options.staticPeers) : undefined;
  }

  /** Our up links as we would advertise them now. */
  links(): RecordLink[] {
    return ownLinks(this.d.layer.neighbours(), { unknownCostMs: this.d.options.unknownCostMs, staticPeers: this.staticPeers });
  }

  /** Originates as soon as the minimum interval allows; repeated calls coalesce. */
  schedule(): void {
    const { timers, layer, options } = this.d;
    if (timers.has('originate')) return;
    const now = layer.clock.now();
    const at = this.lastAt === undefined ? now : this.lastAt + options.minOriginateIntervalMs;
    timers.set('originate', Math.max(0, at - now), () => this.originate());
  }

  checkCosts(): void {
    const own = this.d.lsdb.get(this.d.layer.address);
    if (!own) return;
    const links = this.links();
    const advertised = new Set(own.links.map((l) => l.peer));
    const sameSet = own.links.length === links.length && links.every((l) => advertised.has(l.peer));
    // A new or lost link is news at once; a cost change (a first measurement included) waits
    // out costMinIntervalMs since our last record, like OSPF's LSA throttling.
    if (sameSet && this.lastAt !== undefined && this.d.layer.clock.now() - this.lastAt < this.d.options.costMinIntervalMs) return;
    if (linksMoved(own.links, links)) this.schedule();
  }

  private originate(): void {
    const { layer, lsdb } = this.d;
    const now = layer.clock.now();
    const links = this.links();
    const seq = lsdb.nextOwnSeq(layer.clock.wallMs());
    const rec = signRecord({ suite: layer.suite, identity: layer.identity, routeKey: this.d.routePublicKey, seq, links });
    const before = lsdb.version;
    lsdb.setOwn(rec, now);
    this.lastAt = now;
    this.d.flooder.flood(rec.origin, encodeRecordMsg(rec.bytes));
    // No seq here: it is wall-clock derived, and traces carry no wall-clock values.
    layer.trace.emit({ t: now, node: layer.name, ev: 'topo.originate', links: links.length });
    if (lsdb.version !== before) this.d.changed(rec.origin);
    this.d.timers.set('refresh', this.d.options.refreshMs, () => this.schedule());
  }
}
