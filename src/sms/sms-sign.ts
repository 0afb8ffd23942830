// Parcel signatures. The domain label keeps an SMS signature from meaning anything to another
// part of the protocol (commands, topology records), and vice versa.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Identity } from '../identity/identity.ts';
import { encodeParcelUnsigned, signedPart, SIG_BYTES, type Parcel } from './sms-wire.ts';

const DOMAIN = new TextEncoder().encode('skywire/sms/v1');

const message = (frame: Uint8Array): Uint8Array => {
  const part = signedPart(frame);
  const m = new Uint8Array(DOMAIN.length + part.length);
  m.set(DOMAIN);
  m.set(part, DOMAIN.length);
  return m;
};

/** A complete, signed parcel frame; `key` is the signer's own public key. */
export const signParcel = (suite: CryptoSuite, me: Identity, p: Omit<Parcel, 'sig' | 'key'>): Uint8Array => {
  const frame = encodeParcelUnsigned({ ...p, key: me.publicKey });
  frame.set(suite.sign(me.secretKey, message(frame)), frame.length - SIG_BYTES);
  return frame;
};

export const verifyParcel = (suite: CryptoSuite, frame: Uint8Array, p: Parcel): boolean =>
  suite.verify(p.key, message(frame), p.sig);
