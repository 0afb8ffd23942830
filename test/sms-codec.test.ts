import test from 'ava';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { signParcel, verifyParcel } from '../src/sms/sms-sign.ts';
import { ACK_BYTES, decodeFrame, encodeAck, MAX_BODY_BYTES, PARCEL_MIN } from '../src/sms/sms-wire.ts';
import { decodeText, encodeText, huffmanDecode } from '../src/sms/text-code.ts';

const suite = nodeSuite();
const a = identityFromSeed(suite, new Uint8Array(32).fill(1));
const c = identityFromSeed(suite, new Uint8Array(32).fill(3));
const msg = (text: string): Uint8Array => {
  const { coding, bytes } = encodeText(text);
  return signParcel(suite, a, { kind: 'msg', id: new Uint8Array(16).fill(7), to: c.addressBytes, time: 1_800_000_000, coding, body: bytes });
};

test('text: English packs with the fixed Huffman code, other scripts stay UTF-8; both round-trip', (t) => {
  const en = 'Water is rising near the bridge on Route 9. We are safe at the school gym with 40 people. Need blankets, food and drinking water. Please send help before dark!!';
  const e = encodeText(en);
  t.is(e.coding, 'huffman');
  t.true(e.bytes.length < 100, `${e.bytes.length} bytes`);
  for (const s of [en, 'Привет, как дела? 日本語', '', 'tab\tand\nnewline', 'ß'.repeat(50)]) {
    const x = encodeText(s);
    t.is(decodeText(x.coding, x.bytes), s);
  }
  t.is(huffmanDecode(new Uint8Array([0xff, 0xff, 0xff])), null, 'no END symbol');
  t.is(decodeText('utf8', new Uint8Array([0xc3])), null, 'bad UTF-8');
});

test('a message frame decodes to its fields, verifies, and fails verification after any flipped bit', (t) => {
  const f = msg('hello radio');
  const d = decodeFrame(f);
  t.is(d?.type, 'parcel');
  if (d?.type !== 'parcel') return;
  t.is(d.parcel.kind, 'msg');
  t.deepEqual(d.parcel.key, a.publicKey);
  t.deepEqual(d.parcel.to, c.addressBytes);
  t.is(d.parcel.time, 1_800_000_000);
  t.is(decodeText(d.parcel.coding, d.parcel.body), 'hello radio');
  t.true(verifyParcel(suite, f, d.parcel));
  for (const i of [1, 2, 20, 60, 70, f.length - 70, f.length - 1]) {
    const g = f.slice();
    g[i]! ^= 0x01;
    const dg = decodeFrame(g);
    t.false(dg?.type === 'parcel' && verifyParcel(suite, g, dg.parcel), `bit flipped at ${i}`);
  }
});

test('decoders reject wrong lengths, versions and kinds without throwing', (t) => {
  const f = msg('x');
  t.is(decodeFrame(f.subarray(0, PARCEL_MIN - 1)), null);
  t.is(decodeFrame(new Uint8Array(PARCEL_MIN + MAX_BODY_BYTES + 1).fill(0x03)), null);
  const badVersion = f.slice(); badVersion[1] = (2 << 6) | 1;
  t.is(decodeFrame(badVersion), null);
  const badKind = f.slice(); badKind[1] = (1 << 6) | 6;
  t.is(decodeFrame(badKind), null);
  const ack = encodeAck({ kind: 'rcpt', id: new Uint8Array(16).fill(9) });
  t.is(ack.length, ACK_BYTES);
  t.deepEqual(decodeFrame(ack), { type: 'ack', ack: { kind: 'rcpt', id: new Uint8Array(16).fill(9) } });
  t.is(decodeFrame(new Uint8Array([...ack, 0])), null);
  const rcpt = signParcel(suite, c, { kind: 'rcpt', id: new Uint8Array(16), to: a.addressBytes, time: 1, coding: 'utf8', body: new Uint8Array(1) });
  t.is(decodeFrame(rcpt), null, 'a receipt carries no body');
  for (let n = 0; n < 300; n++) t.notThrows(() => decodeFrame(f.subarray(0, n)));
});
