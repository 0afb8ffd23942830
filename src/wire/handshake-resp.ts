// HandshakeResp, 154 bytes:
//   0 version | 1 type=2 | 2..6 sender index | 6..10 receiver index (the initiator's)
//   | 10..42 ephemeral X25519 | 42..74 static Ed25519 | 74..138 signature over
//   init[0..158] ‖ resp[0..74] | 138..154 mac1 over 0..138
import { RESP_BYTES, MsgType, WIRE_VERSION } from './constants.ts';
import { checkHeader, drop, ok, view, type Decoded } from './result.ts';

export interface HandshakeResp {
  senderIndex: number;
  receiverIndex: number;
  ephemeral: Uint8Array;
  staticKey: Uint8Array;
  signature: Uint8Array;
  mac1: Uint8Array;
}

export const encodeResp = (m: HandshakeResp): Uint8Array => {
  const b = new Uint8Array(RESP_BYTES);
  const v = view(b);
  b[0] = WIRE_VERSION;
  b[1] = MsgType.HandshakeResp;
  v.setUint32(2, m.senderIndex >>> 0);
  v.setUint32(6, m.receiverIndex >>> 0);
  b.set(m.ephemeral, 10);
  b.set(m.staticKey, 42);
  b.set(m.signature, 74);
  b.set(m.mac1, 138);
  return b;
};

export const decodeResp = (b: Uint8Array): Decoded<HandshakeResp> => {
  const bad = checkHeader(b, MsgType.HandshakeResp, RESP_BYTES);
  if (bad) return drop(bad);
  const v = view(b);
  return ok({
    senderIndex: v.getUint32(2),
    receiverIndex: v.getUint32(6),
    ephemeral: b.slice(10, 42),
    staticKey: b.slice(42, 74),
    signature: b.slice(74, 138),
    mac1: b.slice(138, 154),
  });
};
