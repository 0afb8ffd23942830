// The link-state database: the newest record per origin, forgotten maxAgeMs after it arrived
// unless a newer one refreshes it. Our own record lives here too (so a database sync carries
// it) but never expires, and copies of it from a previous life move our sequence number on.
import { equalBytes } from '../link/kdf.ts';
import { sameLinks, type LinkRecord } from './link-record.ts';

export const DEFAULT_MAX_AGE_MS = 15 * 60_000;

/** own-newer: someone holds a record of ours from before a restart; originate above it. */
export type OfferResult = 'new' | 'stale' | 'own-newer';

interface Entry { record: LinkRecord; receivedAt: number }

export class Lsdb {
  private readonly entries = new Map<string, Entry>();
  private ownSeq = 0;
  /** Bumped when an edge, a cost or a route key changes, not on a plain refresh. */
  version = 0;

  constructor(readonly self: string, readonly maxAgeMs = DEFAULT_MAX_AGE_MS) {}

  get size(): number {
    return this.entries.size;
  }

  get(origin: string): LinkRecord | undefined {
    return this.entries.get(origin)?.record;
  }

  /** Every record, by origin address, for a database sync. */
  records(): LinkRecord[] {
    return [...this.entries.keys()].sort().map((k) => this.entries.get(k)!.record);
  }

  /** False when offer() would certainly say 'stale': the caller can skip the signature check. */
  wants(record: LinkRecord): boolean {
    if (record.origin === this.self) return this.newerOwn(record);
    const held = this.entries.get(record.origin);
    return !held || record.seq > held.record.seq;
  }

  /** Takes a verified record from a neighbour. */
  offer(record: LinkRecord, now: number): OfferResult {
    if (record.origin === this.self) {
      if (!this.newerOwn(record)) return 'stale';
      this.ownSeq = record.seq;
      return 'own-newer';
    }
    const held = this.entries.get(record.origin);
    if (held && record.seq <= held.record.seq) return 'stale';
    this.put(record, now, held?.record);
    return 'new';
  }

  /** Seq for our next record: wall-clock based so it survives restarts, always increasing. */
  nextOwnSeq(wallMs: number): number {
    return Math.max(Math.floor(wallMs), this.ownSeq + 1);
  }

  setOwn(record: LinkRecord, now: number): void {
    this.ownSeq = Math.max(this.ownSeq, record.seq);
    this.put(record, now, this.entries.get(this.self)?.record);
  }

  /** Drops records not refreshed within maxAgeMs; returns their origins. */
  expire(now: number): string[] {
    const gone: string[] = [];
    for (const [origin, e] of this.entries) {
      if (origin !== this.self && now - e.receivedAt >= this.maxAgeMs) gone.push(origin);
    }
    for (const o of gone) this.entries.delete(o);
    if (gone.length) this.version++;
    return gone;
  }

  // Our own echo comes back with our current seq and bytes; anything else at or above our seq
  // was signed by an earlier run of this node.
  private newerOwn(record: LinkRecord): boolean {
    const own = this.entries.get(this.self)?.record;
    return record.seq > this.ownSeq || (record.seq === this.ownSeq && (!own || !equalBytes(own.bytes, record.bytes)));
  }

  private put(record: LinkRecord, now: number, prev: LinkRecord | undefined): void {
    this.entries.set(record.origin, { record, receivedAt: now });
    if (!prev || !sameLinks(prev.links, record.links) || !equalBytes(prev.routeKey, record.routeKey)) this.version++;
  }
}
