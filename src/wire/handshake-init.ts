// HandshakeInit, 190 bytes:
//   0 version | 1 type=1 | 2..6 sender index | 6..38 ephemeral X25519 | 38..70 static Ed25519
//   | 70..86 responder address | 86..94 timestamp (u64 ms, BE) | 94..158 signature over 0..94
//   | 158..174 mac1 over 0..158 | 174..190 mac2 over 0..174 (zero unless answering a cookie)
import { INIT_BYTES, MsgType, WIRE_VERSION } from './constants.ts';
import { checkHeader, drop, ok, view, type Decoded } from './result.ts';

export interface HandshakeInit {
  senderIndex: number;
  ephemeral: Uint8Array;
  staticKey: Uint8Array;
  responder: Uint8Array;
  timestamp: number;
  signature: Uint8Array;
  mac1: Uint8Array;
  mac2: Uint8Array;
}

export const encodeInit = (m: HandshakeInit): Uint8Array => {
  const b = new Uint8Array(INIT_BYTES);
  const v = view(b);
  b[0] = WIRE_VERSION;
  b[1] = MsgType.HandshakeInit;
  v.setUint32(2, m.senderIndex >>> 0);
  b.set(m.ephemeral, 6);
  b.set(m.staticKey, 38);
  b.set(m.responder, 70);
  v.setBigUint64(86, BigInt(m.timestamp));
  b.set(m.signature, 94);
  b.set(m.mac1, 158);
  b.set(m.mac2, 174);
  return b;
};

export const decodeInit = (b: Uint8Array): Decoded<HandshakeInit> => {
  const bad = checkHeader(b, MsgType.HandshakeInit, INIT_BYTES);
  if (bad) return drop(bad);
  const v = view(b);
  const ts = v.getBigUint64(86);
  if (ts > BigInt(Number.MAX_SAFE_INTEGER)) return drop('malformed');
  return ok({
    senderIndex: v.getUint32(2),
    ephemeral: b.slice(6, 38),
    staticKey: b.slice(38, 70),
    responder: b.slice(70, 86),
    timestamp: Number(ts),
    signature: b.slice(94, 158),
    mac1: b.slice(158, 174),
    mac2: b.slice(174, 190),
  });
};
