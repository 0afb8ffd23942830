import test from 'ava';
import { MemClock } from './helpers/mem-clock.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { createCommandSigner } from '../src/command/command-signer.ts';
import { NodeCommandVerifier } from '../src/command/command-verifier.ts';
import { memorySeqStore } from '../src/command/seq-store.ts';
import { admit, RefusalCounts } from '../src/term/command-gate.ts';
import { FrameDecoder, FrameType, encodeFrame, parseResize, resizeFrame, dataFrames } from '../src/term/frame.ts';
import { forwardAllowed } from '../src/forward/forward-policy.ts';
import { parseForwardSpec } from '../src/forward/forward-spec.ts';
import type { FirstFrame } from '../src/term/first-frame.ts';

const suite = nodeSuite();
const clock = new MemClock();
const master = identityFromSeed(suite, new Uint8Array(32).fill(1));
const rogue = identityFromSeed(suite, new Uint8Array(32).fill(2));
const node = identityFromSeed(suite, new Uint8Array(32).fill(3));
const signerOf = (id: typeof master) => {
  let seq = 0;
  return createCommandSigner({ suite, identity: id, clock, nextSeq: () => ++seq });
};
const gate = () => ({
  verifier: new NodeCommandVerifier({ suite, clock, self: node.address, masterKey: () => master.publicKey, seq: memorySeqStore() }),
  master: () => master.address,
});
const first = (bytes: Uint8Array, type: number = FrameType.Command): FirstFrame => ({ ok: true, frame: { type, payload: bytes } });

test('only a term command signed by the master and sent by the master is admitted, once', (t) => {
  const g = gate();
  const m = signerOf(master);
  const cmd = m.sign(node.address, 'term', { cols: 80, rows: 24 });
  t.true(admit(first(cmd), master.address, 'term', g).ok);
  t.deepEqual(admit(first(cmd), master.address, 'term', g), { ok: false, reason: 'replay' });
  t.deepEqual(admit(first(m.sign(node.address, 'term', {})), rogue.address, 'term', g), { ok: false, reason: 'not-master' });
  // Signed by another key, even though it came over the master's stream.
  t.deepEqual(admit(first(signerOf(rogue).sign(node.address, 'term', {})), master.address, 'term', g), { ok: false, reason: 'foreign-key' });
  t.deepEqual(admit(first(m.sign(node.address, 'exec', {})), master.address, 'term', g), { ok: false, reason: 'wrong-command' });
  t.deepEqual(admit(first(m.sign(rogue.address, 'term', {})), master.address, 'term', g), { ok: false, reason: 'wrong-node' });
  t.deepEqual(admit(first(new Uint8Array([1, 2, 3])), master.address, 'term', g), { ok: false, reason: 'malformed' });
  t.deepEqual(admit(first(cmd, FrameType.Data), master.address, 'term', g), { ok: false, reason: 'bad-frame' });
  t.deepEqual(admit({ ok: false, reason: 'timeout' }, master.address, 'term', g), { ok: false, reason: 'timeout' });
  t.deepEqual(admit(first(cmd), master.address, 'term', { ...g, master: () => undefined }), { ok: false, reason: 'not-master' });
  const c = new RefusalCounts();
  c.add('not-master');
  c.add('not-master');
  t.deepEqual(c.snapshot(), { total: 2, byReason: { 'not-master': 2 } });
});

test('frames: split anywhere, reassembled; oversize breaks the framing without throwing', (t) => {
  const bytes = Buffer.concat([encodeFrame(FrameType.Command, Buffer.from('abc')), ...dataFrames(Buffer.alloc(40000, 7)), resizeFrame(132, 43)]);
  const d = new FrameDecoder();
  const got = [];
  for (let i = 0; i < bytes.length; i += 333) got.push(...d.push(bytes.subarray(i, i + 333)));
  t.deepEqual(got.map((f) => f.type), [1, 4, 4, 4, 5]);
  t.is(got.slice(1, 4).reduce((n, f) => n + f.payload.length, 0), 40000);
  t.deepEqual(parseResize(got[4]!.payload), { cols: 132, rows: 43 });
  t.is(parseResize(new Uint8Array(3)), null);
  const bad = new FrameDecoder();
  t.deepEqual(bad.push(Buffer.from([4, 0xff, 0xff, 0xff, 0xff, 1])), []);
  t.true(bad.broken);
  t.deepEqual(bad.push(encodeFrame(FrameType.Data, Buffer.from('x'))), []);
});

test('forward policy: loopback by default, more only when configured; spec parsing', (t) => {
  t.true(forwardAllowed('127.0.0.1', 22));
  t.true(forwardAllowed('localhost', 22));
  t.true(forwardAllowed('::1', 22));
  t.false(forwardAllowed('10.0.0.5', 22));
  t.false(forwardAllowed('127.0.0.1', 0));
  t.true(forwardAllowed('10.0.0.5', 22, { allowHosts: ['10.0.0.5'] }));
  t.true(forwardAllowed('example.org', 443, { allowHosts: ['*'] }));
  t.deepEqual(parseForwardSpec('2222:127.0.0.1:22'), { lport: 2222, host: '127.0.0.1', port: 22 });
  t.deepEqual(parseForwardSpec('2222:[::1]:22'), { lport: 2222, host: '::1', port: 22 });
  t.throws(() => parseForwardSpec('2222:22'), { message: /LPORT:HOST:PORT/ });
  t.throws(() => parseForwardSpec('0:h:22'), { message: /LPORT/ });
});
