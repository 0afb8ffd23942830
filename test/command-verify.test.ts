import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { naclSuite } from '../src/identity/nacl-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { createCommandSigner, signCommand } from '../src/command/command-signer.ts';
import { NodeCommandVerifier } from '../src/command/command-verifier.ts';
import { fileSeqStore, memorySeqStore } from '../src/command/seq-store.ts';
import { encodeCommand, decodeCommand } from '../src/command/command-codec.ts';
import { canonicalJson } from '../src/command/canonical-json.ts';
import type { SignedCommand } from '../src/command/command-types.ts';
import { MemClock } from './helpers/mem-clock.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const suite = nodeSuite();
const master = identityFromSeed(suite, new Uint8Array(32).fill(1));
const rogue = identityFromSeed(suite, new Uint8Array(32).fill(2));
const node = identityFromSeed(suite, new Uint8Array(32).fill(3));
const other = identityFromSeed(suite, new Uint8Array(32).fill(4));

const setup = (seq = memorySeqStore()) => {
  const clock = new MemClock();
  let n = 0;
  const signer = createCommandSigner({ suite, identity: master, clock, nextSeq: () => ++n });
  const verifier = new NodeCommandVerifier({ suite, clock, self: node.address, masterKey: () => master.publicKey, seq });
  return { clock, signer, verifier };
};

test('canonical JSON sorts keys at every depth and drops undefined', (t) => {
  t.is(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  t.throws(() => canonicalJson({ x: NaN }));
});

test('a command signed by the configured master, for this node, in order and in time, is accepted', (t) => {
  const { signer, verifier } = setup();
  const r = verifier.verify(signer.sign(node.address, 'exec', { command: 'true' }));
  t.true(r.ok);
  if (r.ok) t.deepEqual([r.command.seq, r.command.cmd, r.command.args], [1, 'exec', { command: 'true' }]);
  t.true(verifier.verify(signer.sign(node.address, 'status', {})).ok);
  t.is(verifier.accepted, 2);
  // tweetnacl verifies what node:crypto signed: the key formats agree.
  const bytes = signer.sign(node.address, 'status', {});
  const c = decodeCommand(bytes)!;
  const { sig, key, ...body } = c;
  void key;
  t.deepEqual(signCommand(naclSuite(), master, body).sig, sig);
});

test('forged, foreign-key, wrong-node, replayed, stale and malformed commands are refused and counted', (t) => {
  const { clock, signer, verifier } = setup();
  const good = decodeCommand(signer.sign(node.address, 'exec', { command: 'true' }))!;
  const reason = (b: Uint8Array): string => { const r = verifier.verify(b); return r.ok ? 'ok' : r.reason; };
  // Forged: args changed after signing.
  t.is(reason(encodeCommand({ ...good, args: { command: 'rm' } })), 'bad-signature');
  // Forged: signed by a rogue key but claiming the master's key.
  const rogueSigned = signCommand(suite, rogue, { ...good, seq: 50 });
  t.is(reason(encodeCommand({ ...rogueSigned, key: Buffer.from(master.publicKey).toString('base64') })), 'bad-signature');
  t.is(reason(encodeCommand(rogueSigned)), 'foreign-key');
  t.is(reason(encodeCommand({ ...rogueSigned, key: undefined } as SignedCommand)), 'bad-signature');
  t.is(reason(encodeCommand(signCommand(suite, master, { ...good, node: other.address }))), 'wrong-node');
  t.is(reason(encodeCommand(good)), 'ok');
  t.is(reason(encodeCommand(good)), 'replay');
  t.is(reason(encodeCommand(signCommand(suite, master, { ...good, seq: 1 }))), 'replay');
  clock.advance(5 * 60_000 + 1);
  t.is(reason(signer.sign(node.address, 'status', {})), 'ok', 'the window moves with the clock');
  t.is(reason(encodeCommand(signCommand(suite, master, { ...good, seq: 90, issuedAtMs: clock.wallMs() - 5 * 60_000 - 1 }))), 'stale');
  t.is(reason(encodeCommand(signCommand(suite, master, { ...good, seq: 91, issuedAtMs: clock.wallMs() + 5 * 60_000 + 1 }))), 'stale');
  t.is(reason(new TextEncoder().encode('{"v":1')), 'malformed');
  t.is(reason(new Uint8Array([0xff, 0xfe])), 'malformed');
  t.is(reason(encodeCommand({ ...good, cmd: 'format-disk' } as unknown as SignedCommand)), 'malformed');
  t.deepEqual(verifier.refused, { malformed: 3, 'bad-signature': 3, 'foreign-key': 1, 'wrong-node': 1, replay: 2, stale: 2 });
});

test('a node without a configured master refuses everything as foreign-key', (t) => {
  const clock = new MemClock();
  const signer = createCommandSigner({ suite, identity: master, clock, nextSeq: () => 1 });
  const v = new NodeCommandVerifier({ suite, clock, self: node.address, masterKey: () => null, seq: memorySeqStore() });
  t.deepEqual(v.verify(signer.sign(node.address, 'status', {})), { ok: false, reason: 'foreign-key' });
});

test('the last accepted seq survives a restart: a replay stays refused', (t) => {
  const home = tempDir('sky-seq-');
  const { signer, verifier } = setup(fileSeqStore(home));
  const a = signer.sign(node.address, 'status', {});
  const b = signer.sign(node.address, 'status', {});
  t.true(verifier.verify(b).ok);
  const after = setup(fileSeqStore(home)).verifier;
  t.deepEqual(after.verify(b), { ok: false, reason: 'replay' });
  t.deepEqual(after.verify(a), { ok: false, reason: 'replay' });
});
