// The link handshake: one round trip, mutually authenticated, forward secret. Pure functions:
// bytes and secrets in, bytes and keys out, no I/O (as wireguard-go's Create/Consume pairs).
// Pattern (see docs/PROTOCOL.md): each side sends an ephemeral X25519 key and its static
// Ed25519 key, and signs the transcript so far; keys = HKDF(DH(e_i, e_r), H(transcript)).
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Identity } from '../identity/identity.ts';
import { addressBytesOf } from '../identity/address.ts';
import { DOMAIN, INIT_SIGNED_BYTES, MAC_BYTES, RESP_SIGNED_BYTES } from '../wire/constants.ts';
import { decodeInit, encodeInit, type HandshakeInit } from '../wire/handshake-init.ts';
import { decodeResp, encodeResp } from '../wire/handshake-resp.ts';
import { drop, ok, type Decoded } from '../wire/result.ts';
import { equalBytes, hkdf, mac16, sha256 } from './kdf.ts';

export interface HandshakeCtx {
  suite: CryptoSuite;
  identity: Identity;
}

export interface InitiatorState {
  senderIndex: number;
  ephemeralSecret: Uint8Array;
  responder: Uint8Array;
  bytes: Uint8Array;
}

export interface SessionKeys {
  sendKey: Uint8Array;
  recvKey: Uint8Array;
  localIndex: number;
  remoteIndex: number;
  initiator: boolean;
  peerStatic: Uint8Array;
  peerAddress: Uint8Array;
}

export const mac1Key = (address: Uint8Array): Uint8Array => sha256(DOMAIN.mac1, address);
const MAC1_AT_INIT = 158;
const MAC1_AT_RESP = 138;

const deriveKeys = (dh: Uint8Array, init: Uint8Array, resp: Uint8Array) =>
  hkdf(dh, sha256(init.subarray(0, MAC1_AT_INIT), resp.subarray(0, RESP_SIGNED_BYTES)), DOMAIN.keys, 64);

export const createInit = (ctx: HandshakeCtx, p: { responder: Uint8Array; senderIndex: number; ephemeralSecret: Uint8Array; timestamp: number; cookie?: Uint8Array | undefined }): InitiatorState => {
  const m: HandshakeInit = {
    senderIndex: p.senderIndex,
    ephemeral: ctx.suite.x25519Public(p.ephemeralSecret),
    staticKey: ctx.identity.publicKey,
    responder: p.responder,
    timestamp: p.timestamp,
    signature: new Uint8Array(64),
    mac1: new Uint8Array(MAC_BYTES),
    mac2: new Uint8Array(MAC_BYTES),
  };
  const bytes = encodeInit(m);
  bytes.set(ctx.suite.sign(ctx.identity.secretKey, sha256(DOMAIN.init, bytes.subarray(0, INIT_SIGNED_BYTES))), INIT_SIGNED_BYTES);
  bytes.set(mac16(mac1Key(p.responder), bytes.subarray(0, MAC1_AT_INIT)), MAC1_AT_INIT);
  if (p.cookie) bytes.set(mac16(p.cookie, bytes.subarray(0, 174)), 174);
  return { senderIndex: p.senderIndex, ephemeralSecret: p.ephemeralSecret, responder: p.responder, bytes };
};

/** Cheap checks a responder runs before any public-key work. */
export const checkInitMacs = (ctx: HandshakeCtx, bytes: Uint8Array, cookie?: Uint8Array): Decoded<HandshakeInit> & { mac2ok?: boolean } => {
  const d = decodeInit(bytes);
  if (!d.ok) return d;
  if (!equalBytes(d.value.mac1, mac16(mac1Key(ctx.identity.addressBytes), bytes.subarray(0, MAC1_AT_INIT)))) return drop('bad-mac');
  const mac2ok = cookie !== undefined && equalBytes(d.value.mac2, mac16(cookie, bytes.subarray(0, 174)));
  return { ...d, mac2ok };
};

/** Expensive checks: signature and addressing. */
export const verifyInit = (ctx: HandshakeCtx, init: HandshakeInit, bytes: Uint8Array): Decoded<Uint8Array> => {
  if (!equalBytes(init.responder, ctx.identity.addressBytes)) return drop('wrong-identity');
  if (!ctx.suite.verify(init.staticKey, sha256(DOMAIN.init, bytes.subarray(0, INIT_SIGNED_BYTES)), init.signature)) return drop('bad-signature');
  return ok(addressBytesOf(init.staticKey));
};

export const createResp = (ctx: HandshakeCtx, initBytes: Uint8Array, init: HandshakeInit, p: { senderIndex: number; ephemeralSecret: Uint8Array }): Decoded<{ bytes: Uint8Array; keys: SessionKeys }> => {
  const dh = ctx.suite.x25519(p.ephemeralSecret, init.ephemeral);
  if (!dh) return drop('bad-key');
  const bytes = encodeResp({
    senderIndex: p.senderIndex,
    receiverIndex: init.senderIndex,
    ephemeral: ctx.suite.x25519Public(p.ephemeralSecret),
    staticKey: ctx.identity.publicKey,
    signature: new Uint8Array(64),
    mac1: new Uint8Array(MAC_BYTES),
  });
  bytes.set(ctx.suite.sign(ctx.identity.secretKey, sha256(DOMAIN.resp, initBytes.subarray(0, MAC1_AT_INIT), bytes.subarray(0, RESP_SIGNED_BYTES))), RESP_SIGNED_BYTES);
  const peerAddress = addressBytesOf(init.staticKey);
  bytes.set(mac16(mac1Key(peerAddress), bytes.subarray(0, MAC1_AT_RESP)), MAC1_AT_RESP);
  const k = deriveKeys(dh, initBytes, bytes);
  return ok({ bytes, keys: { sendKey: k.slice(32), recvKey: k.slice(0, 32), localIndex: p.senderIndex, remoteIndex: init.senderIndex, initiator: false, peerStatic: init.staticKey, peerAddress } });
};

export const consumeResp = (ctx: HandshakeCtx, st: InitiatorState, bytes: Uint8Array): Decoded<SessionKeys> => {
  const d = decodeResp(bytes);
  if (!d.ok) return d;
  const r = d.value;
  if (r.receiverIndex !== st.senderIndex) return drop('unknown-index');
  if (!equalBytes(r.mac1, mac16(mac1Key(ctx.identity.addressBytes), bytes.subarray(0, MAC1_AT_RESP)))) return drop('bad-mac');
  const peerAddress = addressBytesOf(r.staticKey);
  if (!equalBytes(peerAddress, st.responder)) return drop('wrong-identity');
  if (!ctx.suite.verify(r.staticKey, sha256(DOMAIN.resp, st.bytes.subarray(0, MAC1_AT_INIT), bytes.subarray(0, RESP_SIGNED_BYTES)), r.signature)) return drop('bad-signature');
  const dh = ctx.suite.x25519(st.ephemeralSecret, r.ephemeral);
  if (!dh) return drop('bad-key');
  const k = deriveKeys(dh, st.bytes, bytes);
  return ok({ sendKey: k.slice(0, 32), recvKey: k.slice(32), localIndex: st.senderIndex, remoteIndex: r.senderIndex, initiator: true, peerStatic: r.staticKey, peerAddress });
};

export { decodeInit };
