// node:crypto implementation: raw keys are wrapped in fixed DER prefixes (RFC 8410) so the
// bytes in and out are exactly tweetnacl's. Private KeyObjects are cached per secret key
// (per suite instance, not per module) because building them costs more than signing.
import { createPrivateKey, createPublicKey, diffieHellman, sign, verify, type KeyObject } from 'node:crypto';
import { type CryptoSuite, isAllZero } from './crypto-suite.ts';

const ED_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const X_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X_SPKI = Buffer.from('302a300506032b656e032100', 'hex');

const edPrivate = (seed: Uint8Array) => createPrivateKey({ key: Buffer.concat([ED_PKCS8, seed]), format: 'der', type: 'pkcs8' });
const edPublic = (pk: Uint8Array) => createPublicKey({ key: Buffer.concat([ED_SPKI, pk]), format: 'der', type: 'spki' });
const xPrivate = (sk: Uint8Array) => createPrivateKey({ key: Buffer.concat([X_PKCS8, sk]), format: 'der', type: 'pkcs8' });
const xPublic = (pk: Uint8Array) => createPublicKey({ key: Buffer.concat([X_SPKI, pk]), format: 'der', type: 'spki' });
const rawPublic = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ format: 'der', type: 'spki' }).subarray(12));

export const nodeSuite = (): CryptoSuite => {
  const signers = new WeakMap<Uint8Array, KeyObject>();
  const signer = (secretKey: Uint8Array): KeyObject => {
    let k = signers.get(secretKey);
    if (!k) {
      k = edPrivate(secretKey.subarray(0, 32));
      signers.set(secretKey, k);
    }
    return k;
  };
  return {
    name: 'node',
    keyPairFromSeed: (seed) => {
      const publicKey = rawPublic(createPublicKey(edPrivate(seed)));
      const secretKey = new Uint8Array(64);
      secretKey.set(seed, 0);
      secretKey.set(publicKey, 32);
      return { publicKey, secretKey };
    },
    sign: (secretKey, message) => new Uint8Array(sign(null, message, signer(secretKey))),
    verify: (publicKey, message, signature) => {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      try {
        return verify(null, message, edPublic(publicKey), signature);
      } catch {
        return false; // an invalid point is a failed verification, never a throw
      }
    },
    x25519Public: (secret) => rawPublic(createPublicKey(xPrivate(secret))),
    x25519: (secret, peerPublic) => {
      if (peerPublic.length !== 32) return null;
      try {
        const shared = new Uint8Array(diffieHellman({ privateKey: xPrivate(secret), publicKey: xPublic(peerPublic) }));
        return isAllZero(shared) ? null : shared;
      } catch {
        return null; // OpenSSL refuses low-order points
      }
    },
  };
};
