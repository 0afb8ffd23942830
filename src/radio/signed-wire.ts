// Amateur-mode link messages (docs/PROTOCOL.md, "Radio"): plaintext, authenticated but never
// encrypted, since FCC 97.113 forbids obscuring the meaning of a message.
//   Hello (0x05), 137 bytes: ver, type, flags, counter u48, node key 32, ephemeral X25519 32,
//                            Ed25519 signature 64 over everything before it
//   Data  (0x06), 24 + n:    ver, type, counter u48, inner message n, tag 16
//   Solo  (0x07), 104 + n:   ver, type, counter u48, node key 32, inner message n,
//                            Ed25519 signature 64 over everything before it
// A solo frame needs no hello first: it carries its sender's key and is signed, so a station
// can check it from cold. Only SMS traffic goes solo, and only while the link has no keys yet:
// the first message over a cold hop goes out at once instead of after the two hellos (1.2 s
// each at 1200 bit/s), for 80 bytes more than a data frame.
// The tag is HMAC-SHA256 (truncated to 16 bytes) under a key both sides derive from the two
// signed hellos: a signature per frame would cost 64 bytes, a quarter of a 1200 bit/s message.
// Signed and tagged input starts with a domain string and the AX.25 source and destination
// stations, so a frame cannot be re-attributed to another station or replayed to another peer.
import { KEY_BYTES, MAC_BYTES, SIG_BYTES } from '../wire/constants.ts';
import { drop, ok, type Decoded } from '../wire/result.ts';

export const SignedType = Object.freeze({ Hello: 0x05, Data: 0x06, Solo: 0x07 });
export const HELLO_BYTES = 3 + 6 + KEY_BYTES + KEY_BYTES + SIG_BYTES; // 137
export const SIGNED_OVERHEAD = 2 + 6 + MAC_BYTES; // 24, plus the inner message
export const SOLO_OVERHEAD = 2 + 6 + KEY_BYTES + SIG_BYTES; // 104, plus the inner message
const MAX_U48 = 2 ** 48 - 1;
const enc = new TextEncoder();

export interface Hello { flags: number; counter: number; publicKey: Uint8Array; ephemeral: Uint8Array; signed: Uint8Array; sig: Uint8Array }
export interface SignedData { counter: number; inner: Uint8Array; tagged: Uint8Array; tag: Uint8Array }
export interface Solo { counter: number; publicKey: Uint8Array; inner: Uint8Array; signed: Uint8Array; sig: Uint8Array }

const putU48 = (b: Uint8Array, at: number, v: number): void => {
  const n = Math.min(MAX_U48, Math.max(0, Math.floor(v)));
  const hi = Math.floor(n / 2 ** 32);
  b[at] = hi >>> 8; b[at + 1] = hi & 0xff;
  new DataView(b.buffer, b.byteOffset).setUint32(at + 2, n >>> 0);
};
const getU48 = (b: Uint8Array, at: number): number =>
  ((b[at]! << 8) | b[at + 1]!) * 2 ** 32 + new DataView(b.buffer, b.byteOffset).getUint32(at + 2);

/** What a signature or tag covers. Stations are "CALL-SSID" text; a hello binds only its source. */
export const authInput = (kind: 'hello' | 'data' | 'solo', src: string, dest: string, body: Uint8Array): Uint8Array => {
  const head = enc.encode(`skywire/radio/v1/${kind}\0${src}\0${kind === 'hello' ? '' : dest}\0`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
};

export const encodeHelloBody = (flags: number, counter: number, publicKey: Uint8Array, ephemeral: Uint8Array): Uint8Array => {
  const b = new Uint8Array(HELLO_BYTES - SIG_BYTES);
  b[0] = 1; b[1] = SignedType.Hello; b[2] = flags;
  putU48(b, 3, counter);
  b.set(publicKey, 9);
  b.set(ephemeral, 9 + KEY_BYTES);
  return b;
};

export const encodeDataBody = (counter: number, inner: Uint8Array): Uint8Array => {
  const b = new Uint8Array(8 + inner.length);
  b[0] = 1; b[1] = SignedType.Data;
  putU48(b, 2, counter);
  b.set(inner, 8);
  return b;
};

export const encodeSoloBody = (counter: number, publicKey: Uint8Array, inner: Uint8Array): Uint8Array => {
  const b = new Uint8Array(8 + KEY_BYTES + inner.length);
  b[0] = 1; b[1] = SignedType.Solo;
  putU48(b, 2, counter);
  b.set(publicKey, 8);
  b.set(inner, 8 + KEY_BYTES);
  return b;
};

export const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

export const decodeHello = (b: Uint8Array): Decoded<Hello> => {
  if (b.length !== HELLO_BYTES) return drop('malformed');
  const cut = HELLO_BYTES - SIG_BYTES;
  return ok({
    flags: b[2]!, counter: getU48(b, 3), publicKey: b.subarray(9, 9 + KEY_BYTES), ephemeral: b.subarray(9 + KEY_BYTES, cut),
    signed: b.subarray(0, cut), sig: b.subarray(cut),
  });
};

export const decodeSignedData = (b: Uint8Array): Decoded<SignedData> => {
  if (b.length < SIGNED_OVERHEAD + 1) return drop('malformed');
  const cut = b.length - MAC_BYTES;
  return ok({ counter: getU48(b, 2), inner: b.subarray(8, cut), tagged: b.subarray(0, cut), tag: b.subarray(cut) });
};

export const decodeSolo = (b: Uint8Array): Decoded<Solo> => {
  if (b.length < SOLO_OVERHEAD + 1) return drop('malformed');
  const cut = b.length - SIG_BYTES;
  return ok({ counter: getU48(b, 2), publicKey: b.subarray(8, 8 + KEY_BYTES), inner: b.subarray(8 + KEY_BYTES, cut), signed: b.subarray(0, cut), sig: b.subarray(cut) });
};
