// What a neighbour sends us: records to check, keep and pass on, and requests for our whole
// database. Structure is checked before the signature, and the signature only for a record
// we would keep, so echoes (most of flooding) cost no public-key work.
import type { LinkLayer } from '../overlay/link-layer.ts';
import type { Flooder } from './flooder.ts';
import type { Lsdb } from './lsdb.ts';
import { parseRecord, verifyRecord } from './record-codec.ts';
import type { LinkRecord } from './link-record.ts';
import { decodeTopoMsg, encodeRecordMsg, TopoMsg } from './topology-wire.ts';
import { Reassembler } from './fragments.ts';
import { addressToString } from '../identity/address.ts';
import type { RecordMemo } from './record-memo.ts';

export interface IntakeDeps {
  layer: LinkLayer;
  lsdb: Lsdb;
  flooder: Flooder;
  syncGuardMs: number;
  /** Links one record may claim (TopologyOptions.maxRecordLinks), to name the drop. */
  maxRecordLinks: number;
  /** A copy of our own record from an earlier boot showed up: sign a newer one. */
  reoriginate: () => void;
  /** Our path to a node (for answering a stub's record request), or null. */
  pathTo: (dest: string) => string[] | null;
  changed: (origin: string) => void;
  /** Fleet membership: a record whose origin this refuses is dropped before anything else. */
  admitOrigin?: ((origin: string) => boolean) | undefined;
  /** A record message came from `peer`: it has our sync request (see TopologyService). */
  heard?: ((peer: string) => void) | undefined;
  /** Records parsed and verified by other nodes of this process (the simulator's). */
  memo?: RecordMemo | undefined;
}

export class RecordIntake {
  private readonly syncAnswered = new Map<string, number>();
  readonly fragments = new Reassembler();

  constructor(private readonly d: IntakeDeps) {}

  receive(peer: string, bytes: Uint8Array): void {
    const { layer, lsdb } = this.d;
    const m = decodeTopoMsg(bytes);
    if (!m.ok) return layer.countDrop(m.reason);
    if (m.value.type === 'sync-request') return this.answerSync(peer, m.value.stub);
    if (m.value.type === 'record-request') return this.answerRequest(peer, addressToString(m.value.origin));
    if (m.value.type === 'fragment') {
      const whole = this.fragments.accept(peer, m.value);
      if (!whole) return;
      // A reassembled message must be a record: fragments do not nest.
      if (whole[1] !== TopoMsg.Record) return layer.countDrop('malformed');
      return this.receive(peer, whole);
    }
    // An exact copy of a record we hold is an echo: the full path below would parse it to the
    // same record and find it stale. Membership is still asked, as that path would.
    this.d.heard?.(peer);
    const held = lsdb.heldCopy(m.value.record);
    if (held) {
      if (held.origin !== layer.address && this.d.admitOrigin && !this.d.admitOrigin(held.origin)) layer.countDrop('topology-not-member');
      return;
    }
    const memo = this.d.memo;
    const known = memo?.get(m.value.record);
    let rec: LinkRecord;
    if (known) rec = known.record;
    else {
      const parsed = parseRecord(m.value.record);
      if (!parsed.ok) return layer.countDrop(parsed.reason);
      rec = parsed.value;
      memo?.put(rec);
    }
    // Not a member of the fleet: neither stored nor flooded, whoever passed it on.
    if (rec.origin !== layer.address && this.d.admitOrigin && !this.d.admitOrigin(rec.origin)) return layer.countDrop('topology-not-member');
    // Echoes and older copies are the normal cost of flooding, not drops.
    if (!lsdb.wants(rec)) return;
    const neighbour = this.neighbourTest();
    // Full: a record that could not be kept costs no signature check either.
    if (!lsdb.admits(rec, neighbour)) return layer.countDrop(rec.links.length > this.d.maxRecordLinks ? 'topology-too-many-links' : 'topology-full');
    let good = known?.verified;
    if (good === undefined) {
      good = verifyRecord(layer.suite, rec);
      memo?.put(rec, good);
    }
    if (!good) return layer.countDrop('bad-signature');
    const before = lsdb.version;
    const evicted = lsdb.evicted;
    const result = lsdb.offer(rec, layer.clock.now(), neighbour);
    if (result === 'own-newer') return this.d.reoriginate();
    if (result === 'full') return layer.countDrop('topology-full');
    if (result === 'too-many-links') return layer.countDrop('topology-too-many-links');
    if (result !== 'new') return;
    for (let i = evicted; i < lsdb.evicted; i++) layer.countDrop('topology-evicted');
    this.d.flooder.flood(rec.origin, encodeRecordMsg(rec.bytes), peer);
    if (lsdb.version !== before) this.d.changed(rec.origin);
  }

  /** Is `origin` one of our neighbours? The set is built only if the database is full. */
  private neighbourTest(): (origin: string) => boolean {
    let set: Set<string> | undefined;
    return (origin) => (set ??= new Set(this.d.layer.neighbours().map((n) => n.peer))).has(origin);
  }

  /** Forgets a neighbour's last request time when its link goes, so its next boot is answered. */
  forget(peer: string): void {
    this.syncAnswered.delete(peer);
    this.fragments.forget(peer);
  }

  /** A stub's lookup: the records on our path to `origin`, the end's included, or the end's
   *  alone when we hold it without a path; nothing when we know nothing of it. */
  private answerRequest(peer: string, origin: string): void {
    const { layer, lsdb, flooder } = this.d;
    const path = this.d.pathTo(origin) ?? [origin];
    for (const a of path) {
      const r = a === peer ? undefined : lsdb.get(a);
      if (r) flooder.offerRecord(peer, r.origin, encodeRecordMsg(r.bytes));
    }
    if (!lsdb.get(origin)) layer.countDrop('record-unknown');
  }

  /** Offers `peer` every record it may see now (it was just admitted to the fleet). */
  resync(peer: string): void {
    if (this.d.flooder.stubs.has(peer)) return; // a stub asks for what it needs
    for (const r of this.d.lsdb.records()) this.d.flooder.offerRecord(peer, r.origin, encodeRecordMsg(r.bytes));
  }

  private answerSync(peer: string, stub: boolean): void {
    const { layer, lsdb, flooder } = this.d;
    const now = layer.clock.now();
    const last = this.syncAnswered.get(peer);
    // Each request queues the whole database: an authenticated but buggy neighbour must not
    // be able to make us do that in a loop (the flood cap bounds slow carriers anyway).
    if (last !== undefined && now - last < this.d.syncGuardMs) return layer.countDrop('rate-limited');
    this.syncAnswered.set(peer, now);
    flooder.classify(peer, stub);
    // Our own record first: the neighbour needs it (our route key, our links) before any route
    // to or through us can be set up, and behind a hub's whole database it would wait its turn
    // among hundreds of records.
    const own = lsdb.get(layer.address);
    if (own) flooder.offerRecord(peer, own.origin, encodeRecordMsg(own.bytes));
    if (stub) return; // a stub asks for the rest when it needs it
    for (const r of lsdb.records()) if (r !== own) flooder.offerRecord(peer, r.origin, encodeRecordMsg(r.bytes));
  }
}
