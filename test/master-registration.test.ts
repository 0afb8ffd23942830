import test from 'ava';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { checkRegistration, signRegistration, type RegistrationBody } from '../src/master/registration-wire.ts';
import { apply, diff, isEmpty } from '../src/master/delta.ts';

const suite = nodeSuite();
const node = identityFromSeed(suite, new Uint8Array(32).fill(5));
const other = identityFromSeed(suite, new Uint8Array(32).fill(6));
const body = (over: Partial<RegistrationBody> = {}): RegistrationBody => ({
  v: 1, address: node.address, publicKey: Buffer.from(node.publicKey).toString('base64'), name: 'n', version: '0.1.0',
  configVersion: 0, commandSeq: 0, issuedAtMs: 1, links: { [other.address]: { state: 'up', rttMs: 10 } }, routes: {}, ...over,
});

test('a registration signed by the node, whose key hashes to its address and its stream peer, is accepted', (t) => {
  const r = checkRegistration(suite, signRegistration(suite, node.secretKey, body()), node.address);
  t.true(r.ok);
});

test('registrations with a wrong key, address, peer or signature are refused with a reason', (t) => {
  const msg = signRegistration(suite, node.secretKey, body());
  t.deepEqual(checkRegistration(suite, msg, other.address), { ok: false, reason: 'not-stream-peer' });
  const claimOther = signRegistration(suite, node.secretKey, body({ address: other.address }));
  t.deepEqual(checkRegistration(suite, claimOther, other.address), { ok: false, reason: 'key-address-mismatch' });
  const tampered = { ...msg, body: { ...msg.body, name: 'evil' } };
  t.deepEqual(checkRegistration(suite, tampered, node.address), { ok: false, reason: 'bad-signature' });
  const signedByOther = signRegistration(suite, other.secretKey, body());
  t.deepEqual(checkRegistration(suite, signedByOther, node.address), { ok: false, reason: 'bad-signature' });
  t.deepEqual(checkRegistration(suite, { type: 'register' }, node.address), { ok: false, reason: 'malformed' });
  t.deepEqual(checkRegistration(suite, null, node.address), { ok: false, reason: 'malformed' });
});

test('heartbeat deltas carry only changes and apply in place', (t) => {
  const a = new Map([['x', { state: 'up', rttMs: 10 }], ['y', { state: 'up', rttMs: 20 }]]);
  const b = new Map([['x', { state: 'up', rttMs: 10 }], ['z', { state: 'handshaking', rttMs: null }]]);
  const d = diff(a, b);
  t.deepEqual(d, { set: { z: { state: 'handshaking', rttMs: null } }, removed: ['y'] });
  t.true(isEmpty(diff(b, new Map(b))));
  const target: Record<string, { state: string; rttMs: number | null }> = Object.fromEntries(a);
  const xBefore = target.x;
  const valid = (v: unknown): v is { state: string; rttMs: number | null } => typeof v === 'object' && v !== null && 'state' in v;
  t.deepEqual(apply(target, d, valid), { changed: 2, dropped: 0 });
  t.deepEqual(target, Object.fromEntries(b));
  t.is(target.x, xBefore, 'unchanged entries are the same objects: nothing rebuilt');
  t.deepEqual(apply(target, { set: { __proto__: { state: 'up' } }, removed: [5, 'nope'] }, valid), { changed: 0, dropped: 0 });
  t.deepEqual(apply(target, 'junk', valid), { changed: 0, dropped: 0 });
  // At the bound, new keys are dropped and counted; existing ones still change, and a removal
  // in the same delta makes room first.
  t.deepEqual(apply(target, { set: { q: { state: 'up' }, x: { state: 'down' } }, removed: [] }, valid, 2), { changed: 1, dropped: 1 });
  t.deepEqual(apply(target, { set: { q: { state: 'up' } }, removed: ['z'] }, valid, 2), { changed: 2, dropped: 0 });
  t.deepEqual(Object.keys(target).sort(), ['q', 'x']);
});
