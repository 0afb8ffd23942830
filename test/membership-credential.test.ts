// Membership credentials and the revocation list as bytes and as the table every node keeps:
// only the master's signature admits, time bounds and revocations hold, junk is counted and
// never stored, and the table stays bounded when a member replays everyone's credentials.
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import type { Clock } from '../src/env/clock.ts';
import { issueCredential, verifyCredential, type CredentialBody } from '../src/membership/credential.ts';
import { signRevocations, verifyRevocations } from '../src/membership/revocations.ts';
import { Membership } from '../src/membership/membership.ts';
import { membershipGate } from '../src/membership/route-gate.ts';

const suite = nodeSuite();
const master = identityFromSeed(suite, new Uint8Array(32).fill(1));
const rogue = identityFromSeed(suite, new Uint8Array(32).fill(2));
const node = identityFromSeed(suite, new Uint8Array(32).fill(3));
const other = identityFromSeed(suite, new Uint8Array(32).fill(4));
const T0 = 1_800_000_000;

const clockAt = (s: { wallS: number }): Clock => ({ now: () => 0, wallMs: () => s.wallS * 1000, setTimeout: () => 0, clearTimeout: () => undefined });
const body = (over: Partial<CredentialBody> = {}): CredentialBody => ({ address: node.address, name: 'kitchen-pi', role: 'node', serial: 1, issuedAt: T0, expiresAt: T0 + 3600, ...over });
const fresh = (): { m: Membership; time: { wallS: number } } => {
  const time = { wallS: T0 + 10 };
  const m = new Membership(suite, clockAt(time), other.address, 1000);
  m.setMaster(master.publicKey);
  return { m, time };
};

test('a credential round-trips; a flipped byte, a truncation or another key is refused with a reason', (t) => {
  const c = issueCredential(suite, master.secretKey, body());
  const v = verifyCredential(suite, master.publicKey, c.bytes);
  t.true(v.ok);
  if (v.ok) t.like(v.value, { address: node.address, name: 'kitchen-pi', role: 'node', serial: 1 });
  for (let i = 0; i < c.bytes.length; i += 7) {
    const bad = c.bytes.slice();
    bad[i] = bad[i]! ^ 0x40;
    t.false(verifyCredential(suite, master.publicKey, bad).ok, `byte ${i}`);
  }
  t.deepEqual(verifyCredential(suite, master.publicKey, c.bytes.subarray(0, 40)), { ok: false, reason: 'malformed' });
  t.deepEqual(verifyCredential(suite, rogue.publicKey, c.bytes), { ok: false, reason: 'bad-signature' });
  const forged = issueCredential(suite, rogue.secretKey, body());
  t.deepEqual(verifyCredential(suite, master.publicKey, forged.bytes), { ok: false, reason: 'bad-signature' });
});

test('membership: valid while current, not before or after, not once revoked; a later admission is valid again', (t) => {
  const { m, time } = fresh();
  t.false(m.isMember(node.address));
  t.is(m.offerCredential(issueCredential(suite, master.secretKey, body()).bytes), 'new');
  t.true(m.isMember(node.address));
  t.true(m.isMember(master.address), 'the master is always in its fleet');
  t.false(m.isMember(rogue.address));
  t.like(m.caller(node.address), { member: true, role: 'node', name: 'kitchen-pi' });
  time.wallS = T0 + 3600;
  t.false(m.isMember(node.address), 'expired');
  time.wallS = T0 + 10;
  t.is(m.offerRevocations(signRevocations(suite, master.secretKey, 1, new Map([[node.address, T0 + 5]])).bytes), 'new');
  t.false(m.isMember(node.address), 'revoked');
  t.is(m.offerCredential(issueCredential(suite, master.secretKey, body()).bytes), 'credential-revoked');
  t.is(m.offerRevocations(signRevocations(suite, master.secretKey, 1, new Map()).bytes), 'stale', 'an older or equal list never undoes a revocation');
  t.is(m.offerRevocations(signRevocations(suite, rogue.secretKey, 9, new Map()).bytes), 'revocations-bad-signature');
  t.is(m.offerCredential(issueCredential(suite, master.secretKey, body({ issuedAt: T0 + 6, serial: 2 })).bytes), 'new', 'admitted again after the revocation');
  t.true(m.isMember(node.address));
});

test('expire() forgets lapsed credentials (so their open streams can be ended) but keeps our own for status', (t) => {
  const { m, time } = fresh();
  m.offerCredential(issueCredential(suite, master.secretKey, body()).bytes);
  m.offerCredential(issueCredential(suite, master.secretKey, body({ address: other.address, name: 'self', expiresAt: T0 + 3600 })).bytes);
  t.deepEqual(m.expire(), [], 'nothing lapsed yet');
  time.wallS = T0 + 3600;
  t.deepEqual(m.expire(), [node.address]);
  t.is(m.size, 1, 'our own lapsed credential stays, for status and renewal');
  t.like(m.status(), { expired: 1 });
  t.deepEqual(m.expire(), []);
});

test('revocation lists round-trip and refuse tampering', (t) => {
  const l = signRevocations(suite, master.secretKey, 7, new Map([[node.address, T0], [other.address, T0 + 1]]));
  const v = verifyRevocations(suite, master.publicKey, l.bytes);
  t.true(v.ok);
  if (v.ok) t.deepEqual([...v.value.entries].sort(), [[node.address, T0], [other.address, T0 + 1]].sort());
  const bad = l.bytes.slice();
  bad[3] = bad[3]! ^ 1;
  t.false(verifyRevocations(suite, master.publicKey, bad).ok);
  t.false(verifyRevocations(suite, master.publicKey, l.bytes.subarray(0, 20)).ok);
});

test('10,000 forged or junk credentials are counted and none is stored; 10,000 real ones stay under the bound', (t) => {
  const { m } = fresh();
  for (let i = 0; i < 5000; i++) m.offerCredential(new Uint8Array(randomBytes(40 + (i % 150))));
  const forged = issueCredential(suite, rogue.secretKey, body());
  for (let i = 0; i < 5000; i++) m.offerCredential(forged.bytes);
  t.is(m.size, 0);
  t.is(Object.values(m.counters.refused).reduce((a, b) => a + b, 0), 10_000);
  // A member gone bad replays credentials of 10,000 others (the master signed them): bounded.
  const seeds = Array.from({ length: 10_000 }, (_, i) => {
    const s = new Uint8Array(32);
    new DataView(s.buffer).setUint32(0, i + 100);
    return identityFromSeed(suite, s).address;
  });
  for (const [i, a] of seeds.entries()) m.offerCredential(issueCredential(suite, master.secretKey, body({ address: a, serial: i })).bytes);
  t.is(m.size, 1000);
  t.is(m.counters.evicted, 9000);
  t.true(m.isMember(seeds.at(-1)!), 'the newest are kept');
});

test('access: master, fleet, a list, anyone; without a master every authenticated peer is the fleet, and nobody is the master', (t) => {
  const { m } = fresh();
  m.offerCredential(issueCredential(suite, master.secretKey, body()).bytes);
  t.true(m.allows('master', master.address));
  t.false(m.allows('master', node.address));
  t.true(m.allows('fleet', node.address));
  t.false(m.allows('fleet', rogue.address));
  t.true(m.allows([rogue.address], rogue.address));
  t.false(m.allows([rogue.address], node.address));
  t.true(m.allows('anyone', rogue.address));
  const standalone = new Membership(suite, clockAt({ wallS: T0 }), other.address);
  t.true(standalone.allows('fleet', rogue.address));
  t.false(standalone.allows('master', rogue.address));
});

test('relays carry routes between members, and from a stranger only toward the master', (t) => {
  const { m } = fresh();
  m.offerCredential(issueCredential(suite, master.secretKey, body()).bytes);
  let toward: string | undefined = node.address;
  const gate = membershipGate(m, () => toward);
  t.true(gate.relay(node.address, master.address));
  t.true(gate.relay(rogue.address, master.address), 'a stranger registering, next hop the master');
  t.true(gate.relay(rogue.address, node.address), 'a stranger registering, along our path to the master');
  toward = master.address;
  t.false(gate.relay(rogue.address, node.address), 'a stranger anywhere else');
  t.false(gate.relay(node.address, rogue.address), 'toward a stranger');
  t.false(gate.accept(rogue.address, new Uint8Array(0)), 'a destination refuses strangers');
  t.true(gate.accept(node.address, new Uint8Array(0)));
});
