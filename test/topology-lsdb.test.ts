import test from 'ava';
import { Lsdb } from '../src/topology/lsdb.ts';
import { recordOf, sortedIds } from './helpers/topology-records.ts';

const [me, a, b] = sortedIds(3, 100);

test('offer: a newer seq is new, an equal or older one stale', (t) => {
  const db = new Lsdb(me!.address);
  t.is(db.offer(recordOf(a!, 10, [{ peer: b! }]), 0), 'new');
  t.is(db.offer(recordOf(a!, 10, [{ peer: b! }]), 1), 'stale');
  t.is(db.offer(recordOf(a!, 9, []), 2), 'stale');
  t.is(db.get(a!.address)!.seq, 10);
  t.is(db.offer(recordOf(a!, 11, []), 3), 'new');
  t.deepEqual(db.get(a!.address)!.links, []);
  t.is(db.size, 1);
  t.false(db.wants(recordOf(a!, 11, [])));
  t.true(db.wants(recordOf(a!, 12, [])));
});

test('version moves on a graph change, not on a plain refresh', (t) => {
  const db = new Lsdb(me!.address);
  db.offer(recordOf(a!, 1, [{ peer: b! }]), 0);
  const v = db.version;
  db.offer(recordOf(a!, 2, [{ peer: b! }]), 0);
  t.is(db.version, v, 'same links, new seq');
  db.offer(recordOf(a!, 3, [{ peer: b!, costMs: 40 }]), 0);
  t.is(db.version, v + 1, 'cost changed');
});

test('records expire maxAgeMs after receipt unless refreshed; our own never does', (t) => {
  const db = new Lsdb(me!.address, 1000);
  db.setOwn(recordOf(me!, 5, []), 0);
  db.offer(recordOf(a!, 1, []), 0);
  db.offer(recordOf(b!, 1, []), 0);
  t.deepEqual(db.expire(600), []);
  db.offer(recordOf(a!, 2, []), 600); // refreshed
  t.deepEqual(db.expire(1000), [b!.address]);
  t.deepEqual(db.expire(1599), []);
  t.deepEqual(db.expire(1600), [a!.address]);
  t.deepEqual(db.records().map((r) => r.origin), [me!.address]);
  // Expired means forgotten: an old copy arriving later is accepted again.
  t.is(db.offer(recordOf(b!, 1, []), 2000), 'new');
});

test('own seq: wall-clock based and always increasing', (t) => {
  const db = new Lsdb(me!.address);
  t.is(db.nextOwnSeq(1_000_000), 1_000_000);
  db.setOwn(recordOf(me!, 1_000_000, []), 0);
  t.is(db.nextOwnSeq(1_000_000), 1_000_001, 'same millisecond');
  t.is(db.nextOwnSeq(999_000), 1_000_001, 'clock stepped back');
  t.is(db.nextOwnSeq(2_000_000.7), 2_000_000);
});

test('own record from before a restart with seq ≥ ours: own-newer, and our next seq jumps above it', (t) => {
  const db = new Lsdb(me!.address);
  db.setOwn(recordOf(me!, 500, [{ peer: a! }]), 0);
  t.is(db.offer(recordOf(me!, 500, [{ peer: a! }]), 1), 'stale', 'our own echo');
  t.false(db.wants(recordOf(me!, 500, [{ peer: a! }])));
  t.is(db.offer(recordOf(me!, 400, [{ peer: b! }]), 1), 'stale', 'older than ours');
  t.true(db.wants(recordOf(me!, 9_000, [{ peer: b! }])));
  t.is(db.offer(recordOf(me!, 9_000, [{ peer: b! }]), 1), 'own-newer');
  t.is(db.nextOwnSeq(600), 9_001);
  t.deepEqual(db.get(me!.address)!.links.map((l) => l.peer), [a!.address], 'the old copy never replaces our record');
  // Same seq as ours but other bytes: signed by an earlier life at the same millisecond.
  const db2 = new Lsdb(me!.address);
  db2.setOwn(recordOf(me!, 700, []), 0);
  t.is(db2.offer(recordOf(me!, 700, [{ peer: a! }]), 1), 'own-newer');
  t.is(db2.nextOwnSeq(0), 701);
});
