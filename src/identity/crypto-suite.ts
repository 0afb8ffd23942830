// One interface for the public-key operations, with two implementations that must agree
// byte for byte: tweetnacl (the reference for key formats) and node:crypto (~300x faster).
// Keys use tweetnacl's formats: a 32-byte public key and a 64-byte secret key (seed ‖ public).
export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface CryptoSuite {
  readonly name: 'node' | 'tweetnacl';
  keyPairFromSeed(seed: Uint8Array): KeyPair;
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** X25519 public key for a 32-byte secret scalar (clamped per RFC 7748). */
  x25519Public(secret: Uint8Array): Uint8Array;
  /** X25519 shared secret, or null for a low-order peer key (all-zero result). */
  x25519(secret: Uint8Array, peerPublic: Uint8Array): Uint8Array | null;
}

export const isAllZero = (b: Uint8Array): boolean => {
  let acc = 0;
  for (const x of b) acc |= x;
  return acc === 0;
};
