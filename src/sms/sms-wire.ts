// SMS frames on a link (docs/PROTOCOL.md, "SMS"). Two signed parcels, a message and its
// delivery receipt, share one layout; a custody ack is 18 bytes. Decoders check the exact
// layout and return null on anything else: untrusted bytes never throw.
//
//   0      1       2    18        50   66     70        n-64   n
//   proto  header  id   key       to   time   body...   sig
//   0x03   ver|cod|kind  (sender/recipient public key)
import { Proto } from '../overlay/link-layer.ts';
import type { TextCoding } from './text-code.ts';

export const SMS_VERSION = 1;
export const ID_BYTES = 16;
export const KEY_BYTES = 32;
export const TO_BYTES = 16;
export const SIG_BYTES = 64;
/** Offsets in a parcel. */
export const PARCEL_HEAD = 2 + ID_BYTES + KEY_BYTES + TO_BYTES + 4;
export const PARCEL_MIN = PARCEL_HEAD + SIG_BYTES;
export const ACK_BYTES = 2 + ID_BYTES;
/** Longest coded text: about three classic SMS, still one frame on a 500-byte radio MTU. */
export const MAX_BODY_BYTES = 420;

export const Kind = Object.freeze({ Message: 1, Receipt: 2, AckMessage: 3, AckReceipt: 4 });
export type ParcelKind = 'msg' | 'rcpt';

export interface Parcel {
  kind: ParcelKind;
  id: Uint8Array;
  /** Ed25519 public key of the signer: the sender of a message, the recipient for a receipt. */
  key: Uint8Array;
  /** Address bytes of the final destination. */
  to: Uint8Array;
  /** Seconds since the Unix epoch: created (message) or delivered (receipt). */
  time: number;
  coding: TextCoding;
  body: Uint8Array;
  sig: Uint8Array;
}
export interface Ack { kind: ParcelKind; id: Uint8Array }
export type Frame = { type: 'parcel'; parcel: Parcel } | { type: 'ack'; ack: Ack };

const header = (kind: number, huffman: boolean): number => (SMS_VERSION << 6) | (huffman ? 0x08 : 0) | kind;

/** Bytes covered by the signature: everything between the proto byte and the signature. */
export const signedPart = (frame: Uint8Array): Uint8Array => frame.subarray(1, frame.length - SIG_BYTES);

/** A parcel frame with a zero signature; the caller signs signedPart() and fills the tail. */
export const encodeParcelUnsigned = (p: Omit<Parcel, 'sig'>): Uint8Array => {
  const out = new Uint8Array(PARCEL_MIN + p.body.length);
  const dv = new DataView(out.buffer);
  out[0] = Proto.Sms;
  out[1] = header(p.kind === 'msg' ? Kind.Message : Kind.Receipt, p.coding === 'huffman');
  out.set(p.id, 2);
  out.set(p.key, 2 + ID_BYTES);
  out.set(p.to, 2 + ID_BYTES + KEY_BYTES);
  dv.setUint32(PARCEL_HEAD - 4, p.time >>> 0);
  out.set(p.body, PARCEL_HEAD);
  return out;
};

export const encodeAck = (a: Ack): Uint8Array => {
  const out = new Uint8Array(ACK_BYTES);
  out[0] = Proto.Sms;
  out[1] = header(a.kind === 'msg' ? Kind.AckMessage : Kind.AckReceipt, false);
  out.set(a.id, 2);
  return out;
};

export const decodeFrame = (b: Uint8Array): Frame | null => {
  if (b.length < ACK_BYTES || b[0] !== Proto.Sms) return null;
  const h = b[1]!;
  if (h >> 6 !== SMS_VERSION || (h & 0x30) !== 0) return null;
  const kind = h & 0x07;
  const huffman = (h & 0x08) !== 0;
  const id = b.slice(2, 2 + ID_BYTES);
  if (kind === Kind.AckMessage || kind === Kind.AckReceipt) {
    if (b.length !== ACK_BYTES || huffman) return null;
    return { type: 'ack', ack: { kind: kind === Kind.AckMessage ? 'msg' : 'rcpt', id } };
  }
  if (kind !== Kind.Message && kind !== Kind.Receipt) return null;
  const bodyLen = b.length - PARCEL_MIN;
  if (bodyLen < 0 || bodyLen > MAX_BODY_BYTES) return null;
  // A receipt has no body, so a flag or a byte there is malformed (one encoding per receipt).
  if (kind === Kind.Receipt && (bodyLen !== 0 || huffman)) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    type: 'parcel',
    parcel: {
      kind: kind === Kind.Message ? 'msg' : 'rcpt',
      id,
      key: b.slice(2 + ID_BYTES, 2 + ID_BYTES + KEY_BYTES),
      to: b.slice(2 + ID_BYTES + KEY_BYTES, PARCEL_HEAD - 4),
      time: dv.getUint32(PARCEL_HEAD - 4),
      coding: huffman ? 'huffman' : 'utf8',
      body: b.slice(PARCEL_HEAD, b.length - SIG_BYTES),
      sig: b.slice(b.length - SIG_BYTES),
    },
  };
};
