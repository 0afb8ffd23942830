// CookieReply, 50 bytes: sent instead of a HandshakeResp when the responder is under load.
//   0 version | 1 type=3 | 2..6 receiver index (the initiator's sender index)
//   | 6..18 nonce | 18..50 sealed cookie (16 bytes + 16-byte tag), AAD = the init's mac1
import { COOKIE_BYTES, MsgType, WIRE_VERSION } from './constants.ts';
import { checkHeader, drop, ok, view, type Decoded } from './result.ts';

export interface CookieReply {
  receiverIndex: number;
  nonce: Uint8Array;
  sealedCookie: Uint8Array;
}

export const encodeCookie = (m: CookieReply): Uint8Array => {
  const b = new Uint8Array(COOKIE_BYTES);
  b[0] = WIRE_VERSION;
  b[1] = MsgType.CookieReply;
  view(b).setUint32(2, m.receiverIndex >>> 0);
  b.set(m.nonce, 6);
  b.set(m.sealedCookie, 18);
  return b;
};

export const decodeCookie = (b: Uint8Array): Decoded<CookieReply> => {
  const bad = checkHeader(b, MsgType.CookieReply, COOKIE_BYTES);
  if (bad) return drop(bad);
  return ok({ receiverIndex: view(b).getUint32(2), nonce: b.slice(6, 18), sealedCookie: b.slice(18, 50) });
};
