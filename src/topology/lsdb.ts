// The link-state database: the newest record per origin, forgotten maxAgeMs after it arrived
// unless a newer one refreshes it. Our own record lives here too (so a database sync carries
// it) but never expires, and copies of it from a previous life move our sequence number on.
// Any neighbour can flood records for made-up nodes, so the database is bounded (LsdbCaps):
// records, links summed over them, and links per record. Full, it refuses new origins, except
// a neighbour's: for that, the oldest-received records of non-neighbours make room.
import { equalBytes } from '../link/kdf.ts';
import { MAX_RECORD_LINKS, sameLinks, type LinkRecord } from './link-record.ts';

export const DEFAULT_MAX_AGE_MS = 15 * 60_000;

/** own-newer: someone holds a record of ours from before a restart; originate above it.
 *  full: no room (LsdbCaps) and nothing it may displace; too-many-links: over maxRecordLinks. */
export type OfferResult = 'new' | 'stale' | 'own-newer' | 'full' | 'too-many-links';

export interface LsdbCaps { maxRecords: number; maxTotalLinks: number; maxRecordLinks: number }
const noCaps: LsdbCaps = { maxRecords: Infinity, maxTotalLinks: Infinity, maxRecordLinks: MAX_RECORD_LINKS };

interface Entry { record: LinkRecord; receivedAt: number }

// The first six bytes of an origin key as a number: an allocation-free index for exact echoes.
// Two keys may share it (an attacker can grind that); the index then holds the later one and
// the other's echoes take the full path, so a collision costs time, never a wrong answer.
const keyIndex = (k: Uint8Array, at = 0): number =>
  k[at]! * 2 ** 40 + k[at + 1]! * 2 ** 32 + ((k[at + 2]! << 24) >>> 0) + (k[at + 3]! << 16) + (k[at + 4]! << 8) + k[at + 5]!;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
};

export class Lsdb {
  private readonly entries = new Map<string, Entry>();
  /** Held records by keyIndex of their origin key, for exact-echo lookups (bounded by entries). */
  private readonly byKey = new Map<number, LinkRecord>();
  private ownSeq = 0;
  /** Links summed over every record held. */
  private links = 0;
  /** Records removed to make room for a neighbour's. */
  evicted = 0;
  /** Bumped when an edge, a cost or a route key changes, not on a plain refresh. */
  version = 0;

  constructor(readonly self: string, readonly maxAgeMs = DEFAULT_MAX_AGE_MS, private readonly caps: LsdbCaps = noCaps) {}

  /** Links summed over every record held (bounded by maxTotalLinks). */
  get totalLinks(): number {
    return this.links;
  }

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

  /** The held record whose signed bytes are exactly `bytes` (an encoded record), if any. Most of
   *  flooding is such echoes: they need no parsing, hashing or signature check to be ignored. */
  heldCopy(bytes: Uint8Array): LinkRecord | undefined {
    if (bytes.length < 7) return undefined;
    const r = this.byKey.get(keyIndex(bytes, 1));
    return r !== undefined && sameBytes(r.bytes, bytes) ? r : undefined;
  }

  /** False when offer() would certainly say 'stale': the caller can skip the signature check. */
  wants(record: LinkRecord): boolean {
    if (record.origin === this.self) return this.newerOwn(record);
    const held = this.entries.get(record.origin);
    return !held || record.seq > held.record.seq;
  }

  /** False when offer() would certainly refuse the record for room: under a flood of made-up
   *  origins the caller skips their signature checks too. */
  admits(record: LinkRecord, neighbour: (origin: string) => boolean): boolean {
    if (record.origin === this.self) return true;
    if (record.links.length > this.caps.maxRecordLinks) return false;
    const prev = this.entries.get(record.origin)?.record;
    return this.fits(record, prev) || neighbour(record.origin);
  }

  /** Takes a verified record from a neighbour. `neighbour` says which origins are our own
   *  neighbours: their records always find room, others' may be displaced for them. */
  offer(record: LinkRecord, now: number, neighbour: (origin: string) => boolean = () => false): OfferResult {
    if (record.origin === this.self) {
      if (!this.newerOwn(record)) return 'stale';
      this.ownSeq = record.seq;
      return 'own-newer';
    }
    const held = this.entries.get(record.origin);
    if (held && record.seq <= held.record.seq) return 'stale';
    if (record.links.length > this.caps.maxRecordLinks) return 'too-many-links';
    if (!this.makeRoom(record, held?.record, neighbour)) return 'full';
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
    for (const o of gone) this.remove(o);
    if (gone.length) this.version++;
    return gone;
  }

  // Our own echo comes back with our current seq and bytes; anything else at or above our seq
  // was signed by an earlier run of this node.
  private newerOwn(record: LinkRecord): boolean {
    const own = this.entries.get(this.self)?.record;
    return record.seq > this.ownSeq || (record.seq === this.ownSeq && (!own || !equalBytes(own.bytes, record.bytes)));
  }

  /** Whether `record` fits (replacing `prev`); for a neighbour's, evicts until it does. */
  private makeRoom(record: LinkRecord, prev: LinkRecord | undefined, neighbour: (origin: string) => boolean): boolean {
    const fits = (): boolean => this.fits(record, prev);
    if (fits()) return true;
    if (!neighbour(record.origin)) return false;
    while (!fits()) {
      const victim = this.oldestDisplaceable(record.origin, neighbour);
      if (victim === undefined) return false;
      this.remove(victim);
      this.evicted++;
      this.version++;
    }
    return true;
  }

  private fits(record: LinkRecord, prev: LinkRecord | undefined): boolean {
    return (prev !== undefined || this.entries.size < this.caps.maxRecords)
      && this.links - (prev?.links.length ?? 0) + record.links.length <= this.caps.maxTotalLinks;
  }

  /** The record received longest ago whose origin is neither us, `except`, nor a neighbour. */
  private oldestDisplaceable(except: string, neighbour: (origin: string) => boolean): string | undefined {
    let best: string | undefined;
    let at = Infinity;
    for (const [origin, e] of this.entries) {
      if (e.receivedAt < at && origin !== this.self && origin !== except && !neighbour(origin)) {
        best = origin;
        at = e.receivedAt;
      }
    }
    return best;
  }

  private remove(origin: string): void {
    const e = this.entries.get(origin);
    if (!e) return;
    this.links -= e.record.links.length;
    this.entries.delete(origin);
    const k = keyIndex(e.record.originKey);
    if (this.byKey.get(k) === e.record) this.byKey.delete(k);
  }

  private put(record: LinkRecord, now: number, prev: LinkRecord | undefined): void {
    this.links += record.links.length - (prev?.links.length ?? 0);
    this.entries.set(record.origin, { record, receivedAt: now });
    this.byKey.set(keyIndex(record.originKey), record);
    if (!prev || !sameLinks(prev.links, record.links) || !equalBytes(prev.routeKey, record.routeKey)) this.version++;
  }
}
