// node:crypto implementation whose bytes in and out are exactly tweetnacl's. Signing KeyObjects
// are cached per secret key (per suite instance, not per module): building one costs more
// than a signature.
import { createPrivateKey, createPublicKey, diffieHellman, sign, verify, type KeyObject } from 'node:crypto';
import { type CryptoSuite, isAllZero } from './crypto-suite.ts';

// Keys are imported as JWK, not DER: OpenSSL 3's DER decoders cost ~400 µs per key, JWK ~6 µs,
// which decides handshake throughput. For a private key Node builds the key from `d` alone and
// derives the public half itself, so the `x` we must pass is a placeholder; the test that
// compares every output with tweetnacl would catch a Node version that behaved otherwise.
const b64u = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
const PLACEHOLDER_X = b64u(new Uint8Array(32));
const priv = (crv: 'Ed25519' | 'X25519', d: Uint8Array) => createPrivateKey({ key: { kty: 'OKP', crv, d: b64u(d), x: PLACEHOLDER_X }, format: 'jwk' });
const pub = (crv: 'Ed25519' | 'X25519', x: Uint8Array) => createPublicKey({ key: { kty: 'OKP', crv, x: b64u(x) }, format: 'jwk' });
const edPrivate = (seed: Uint8Array) => priv('Ed25519', seed);
const edPublic = (pk: Uint8Array) => pub('Ed25519', pk);
const xPrivate = (sk: Uint8Array) => priv('X25519', sk);
const xPublic = (pk: Uint8Array) => pub('X25519', pk);
const rawPublic = (k: KeyObject): Uint8Array => new Uint8Array(Buffer.from(k.export({ format: 'jwk' }).x!, 'base64url'));

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
  // Verify keys too: a node checks the same few neighbours' keys over and over (topology
  // records, handshakes). Bounded, so a flood of made-up keys cannot grow it without limit.
  const verifiers = new Map<string, KeyObject>();
  const verifier = (publicKey: Uint8Array): KeyObject => {
    const id = Buffer.from(publicKey).toString('base64');
    let k = verifiers.get(id);
    if (!k) {
      if (verifiers.size >= 4096) verifiers.clear();
      k = edPublic(publicKey);
      verifiers.set(id, k);
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
        return verify(null, message, verifier(publicKey), signature);
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
