// The end-to-end key exchange rides in the route setup and its ack: the link handshake's own
// pattern and code (one round trip, signed, ephemeral X25519), with the destination's address
// as responder. Relays never see it in clear: setup-onion.ts seals it to the destination.
import { checkInitMacs, consumeResp, createInit, createResp, verifyInit, type HandshakeCtx, type InitiatorState, type SessionKeys } from '../link/handshake.ts';
import { addressToString } from '../identity/address.ts';
import { drop, ok, type Decoded } from '../wire/result.ts';
import { INIT_BYTES, RESP_BYTES } from '../wire/constants.ts';

export const CONV_ID_BYTES = 8;

export interface E2eStart { state: InitiatorState; plain: Uint8Array }

/** credential: the source's fleet credential, after the init (absent outside a fleet, so the
 *  setup is as long as it always was). */
export const e2eStart = (hs: HandshakeCtx, p: { dest: Uint8Array; convId: Uint8Array; index: number; ephemeralSecret: Uint8Array; timestamp: number; credential?: Uint8Array | undefined }): E2eStart => {
  const state = createInit(hs, { responder: p.dest, senderIndex: p.index, ephemeralSecret: p.ephemeralSecret, timestamp: p.timestamp });
  const cred = p.credential ?? new Uint8Array(0);
  const plain = new Uint8Array(CONV_ID_BYTES + state.bytes.length + cred.length);
  plain.set(p.convId);
  plain.set(state.bytes, CONV_ID_BYTES);
  plain.set(cred, CONV_ID_BYTES + state.bytes.length);
  return { state, plain };
};

export interface E2eAccepted { peer: string; convId: string; timestamp: number; keys: SessionKeys; resp: Uint8Array; credential: Uint8Array }

export const e2eAccept = (hs: HandshakeCtx, plain: Uint8Array, p: { index: number; ephemeralSecret: Uint8Array }): Decoded<E2eAccepted> => {
  if (plain.length <= CONV_ID_BYTES) return drop('malformed');
  if (plain.length < CONV_ID_BYTES + INIT_BYTES) return drop('malformed');
  const initBytes = plain.subarray(CONV_ID_BYTES, CONV_ID_BYTES + INIT_BYTES);
  const checked = checkInitMacs(hs, initBytes);
  if (!checked.ok) return checked;
  const verified = verifyInit(hs, checked.value, initBytes);
  if (!verified.ok) return verified;
  const made = createResp(hs, initBytes, checked.value, { senderIndex: p.index, ephemeralSecret: p.ephemeralSecret });
  if (!made.ok) return made;
  const convId = Buffer.from(plain.subarray(0, CONV_ID_BYTES)).toString('hex');
  return ok({ peer: addressToString(verified.value), convId, timestamp: checked.value.timestamp, keys: made.value.keys, resp: made.value.bytes, credential: plain.slice(CONV_ID_BYTES + INIT_BYTES) });
};

/** The ack's plaintext: the responder's handshake response, then its credential (if any). */
export const e2eFinish = (hs: HandshakeCtx, state: InitiatorState, plain: Uint8Array): Decoded<SessionKeys & { credential: Uint8Array }> => {
  if (plain.length < RESP_BYTES) return drop('malformed');
  const keys = consumeResp(hs, state, plain.subarray(0, RESP_BYTES));
  return keys.ok ? ok({ ...keys.value, credential: plain.slice(RESP_BYTES) }) : keys;
};
