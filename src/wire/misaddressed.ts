// The misaddressed notice: what a node answers to a handshake init that was not meant for it
// (its mac1 is keyed to another address), so the sender can say "this endpoint is node X, not
// the Y you configured" instead of retrying into silence. Unauthenticated on purpose (we hold no
// key the sender trusts): it only feeds a diagnosis, never link state, and the receiver accepts
// it only from the endpoint it sent that init to.
import { ADDR_BYTES, MISADDRESSED_BYTES, MsgType, WIRE_VERSION } from './constants.ts';

export interface Misaddressed { receiverIndex: number; address: Uint8Array }

export const encodeMisaddressed = (m: Misaddressed): Uint8Array => {
  const b = new Uint8Array(MISADDRESSED_BYTES);
  b[0] = WIRE_VERSION;
  b[1] = MsgType.Misaddressed;
  new DataView(b.buffer).setUint32(2, m.receiverIndex);
  b.set(m.address.subarray(0, ADDR_BYTES), 6);
  return b;
};

export const decodeMisaddressed = (b: Uint8Array): Misaddressed | undefined => {
  if (b.length !== MISADDRESSED_BYTES || b[0] !== WIRE_VERSION || b[1] !== MsgType.Misaddressed) return undefined;
  return { receiverIndex: new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(2), address: b.slice(6, 6 + ADDR_BYTES) };
};
