// Transport packet: 14-byte header + AEAD ciphertext (plaintext length + 16-byte tag).
//   0 version | 1 type=4 | 2..6 receiver index | 6..14 counter (u64 BE, also the nonce)
// The header is the AEAD's associated data, so a flipped header bit fails the tag.
import { MsgType, TAG_BYTES, TRANSPORT_HEADER_BYTES, WIRE_VERSION } from './constants.ts';
import { checkHeader, drop, ok, type Decoded } from './result.ts';
import { getU32, setU32 } from './bytes.ts';

export interface TransportHeader {
  receiverIndex: number;
  counter: number;
}

export const encodeTransportHeader = (into: Uint8Array, receiverIndex: number, counter: number): void => {
  into[0] = WIRE_VERSION;
  into[1] = MsgType.Transport;
  setU32(into, 2, receiverIndex >>> 0);
  setU32(into, 6, Math.floor(counter / 0x1_0000_0000));
  setU32(into, 10, counter >>> 0);
};

export const decodeTransportHeader = (b: Uint8Array): Decoded<TransportHeader> => {
  const bad = checkHeader(b, MsgType.Transport, TRANSPORT_HEADER_BYTES + TAG_BYTES, false);
  if (bad) return drop(bad);
  const hi = getU32(b, 6);
  if (hi > 0x1fffff) return drop('malformed'); // beyond 2^53: no honest sender gets there
  return ok({ receiverIndex: getU32(b, 2), counter: hi * 0x1_0000_0000 + getU32(b, 10) });
};
