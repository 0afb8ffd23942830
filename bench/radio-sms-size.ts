// Bytes of a 160-character SMS and of its delivery receipt as our layers put them on a link,
// and what that leaves of the 280-byte amateur-mode budget (AX.25 header 16 + link header).
// Run: node --import tsx bench/radio-sms-size.ts  (one JSON line, like the other benches)
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { signParcel } from '../src/sms/sms-sign.ts';
import { encodeText } from '../src/sms/text-code.ts';
import { ACK_BYTES } from '../src/sms/sms-wire.ts';

const suite = nodeSuite();
const a = identityFromSeed(suite, new Uint8Array(32).fill(1));
const c = identityFromSeed(suite, new Uint8Array(32).fill(3));
const TEXTS = {
  english: 'Water is rising near the bridge on Route 9. We are safe at the school gym with 40 people. Need blankets, food and drinking water. Please send help before dark!!',
  worstAscii: '{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>{|}~^`\\[]<>X',
  german: 'Das Wasser steigt an der Brücke. Wir sind in der Turnhalle der Schule, 40 Personen. Wir brauchen Decken, Essen und Trinkwasser. Bitte schickt Hilfe vor Dunkelheit',
};
const AX25 = 16;
const BUDGET = 280;
const sizes = Object.fromEntries(Object.entries(TEXTS).map(([k, full]) => {
  const text = full.slice(0, 160);
  const { coding, bytes } = encodeText(text);
  const frame = signParcel(suite, a, { kind: 'msg', id: new Uint8Array(16), to: c.addressBytes, time: 1_800_000_000, coding, body: bytes });
  return [k, { chars: text.length, utf8: Buffer.byteLength(text), coding, textBytes: bytes.length, smsPayload: frame.length, leftForLinkHeader: BUDGET - AX25 - frame.length }];
}));
const receipt = signParcel(suite, c, { kind: 'rcpt', id: new Uint8Array(16), to: a.addressBytes, time: 1_800_000_000, coding: 'utf8', body: new Uint8Array(0) }).length;
const ax = (n: number): number => n + AX25;
process.stdout.write(JSON.stringify({
  bench: 'radio-sms-size', budget: BUDGET, ax25Header: AX25, messages: sizes,
  receipt: { smsPayload: receipt, withAx25: ax(receipt) }, custodyAck: { smsPayload: ACK_BYTES, withAx25: ax(ACK_BYTES) },
  note: 'smsPayload includes our 1-byte link protocol byte, header, id, key, to, time, text and the 64-byte signature; add the radio link header',
}) + '\n');
