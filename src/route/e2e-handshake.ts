// The end-to-end key exchange rides in the route setup and its ack: the link handshake's own
// pattern and code (one round trip, signed, ephemeral X25519), with the destination's address
// as responder. Relays never see it in clear: setup-onion.ts seals it to the destination.
import { checkInitMacs, consumeResp, createInit, createResp, verifyInit, type HandshakeCtx, type InitiatorState, type SessionKeys } from '../link/handshake.ts';
import { addressToString } from '../identity/address.ts';
import { drop, ok, type Decoded } from '../wire/result.ts';

export const CONV_ID_BYTES = 8;

export interface E2eStart { state: InitiatorState; plain: Uint8Array }

export const e2eStart = (hs: HandshakeCtx, p: { dest: Uint8Array; convId: Uint8Array; index: number; ephemeralSecret: Uint8Array; timestamp: number }): E2eStart => {
  const state = createInit(hs, { responder: p.dest, senderIndex: p.index, ephemeralSecret: p.ephemeralSecret, timestamp: p.timestamp });
  const plain = new Uint8Array(CONV_ID_BYTES + state.bytes.length);
  plain.set(p.convId);
  plain.set(state.bytes, CONV_ID_BYTES);
  return { state, plain };
};

export interface E2eAccepted { peer: string; convId: string; timestamp: number; keys: SessionKeys; resp: Uint8Array }

export const e2eAccept = (hs: HandshakeCtx, plain: Uint8Array, p: { index: number; ephemeralSecret: Uint8Array }): Decoded<E2eAccepted> => {
  if (plain.length <= CONV_ID_BYTES) return drop('malformed');
  const initBytes = plain.subarray(CONV_ID_BYTES);
  const checked = checkInitMacs(hs, initBytes);
  if (!checked.ok) return checked;
  const verified = verifyInit(hs, checked.value, initBytes);
  if (!verified.ok) return verified;
  const made = createResp(hs, initBytes, checked.value, { senderIndex: p.index, ephemeralSecret: p.ephemeralSecret });
  if (!made.ok) return made;
  const convId = Buffer.from(plain.subarray(0, CONV_ID_BYTES)).toString('hex');
  return ok({ peer: addressToString(verified.value), convId, timestamp: checked.value.timestamp, keys: made.value.keys, resp: made.value.bytes });
};

export const e2eFinish = (hs: HandshakeCtx, state: InitiatorState, resp: Uint8Array): Decoded<SessionKeys> => consumeResp(hs, state, resp);
