// Transport packet: 14-byte header + AEAD ciphertext (plaintext length + 16-byte tag).
//   0 version | 1 type=4 | 2..6 receiver index | 6..14 counter (u64 BE, also the nonce)
// The header is the AEAD's associated data, so a flipped header bit fails the tag.
import { MsgType, TAG_BYTES, TRANSPORT_HEADER_BYTES, WIRE_VERSION } from './constants.ts';
import { checkHeader, drop, ok, view, type Decoded } from './result.ts';

export interface TransportHeader {
  receiverIndex: number;
  counter: number;
}

export const encodeTransportHeader = (into: Uint8Array, receiverIndex: number, counter: number): void => {
  const v = view(into);
  into[0] = WIRE_VERSION;
  into[1] = MsgType.Transport;
  v.setUint32(2, receiverIndex >>> 0);
  v.setUint32(6, Math.floor(counter / 0x1_0000_0000));
  v.setUint32(10, counter >>> 0);
};

export const decodeTransportHeader = (b: Uint8Array): Decoded<TransportHeader> => {
  const bad = checkHeader(b, MsgType.Transport, TRANSPORT_HEADER_BYTES + TAG_BYTES, false);
  if (bad) return drop(bad);
  const v = view(b);
  const hi = v.getUint32(6);
  if (hi > 0x1fffff) return drop('malformed'); // beyond 2^53: no honest sender gets there
  return ok({ receiverIndex: v.getUint32(2), counter: hi * 0x1_0000_0000 + v.getUint32(10) });
};
