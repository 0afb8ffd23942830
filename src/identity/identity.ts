// A node identity: the Ed25519 key pair plus the address derived from it.
import type { CryptoSuite, KeyPair } from './crypto-suite.ts';
import { addressBytesOf, base32Encode } from './address.ts';

export interface Identity extends KeyPair {
  readonly address: string;
  readonly addressBytes: Uint8Array;
}

export const identityFromSeed = (suite: CryptoSuite, seed: Uint8Array): Identity => {
  const kp = suite.keyPairFromSeed(seed);
  const addressBytes = addressBytesOf(kp.publicKey);
  return { ...kp, addressBytes, address: base32Encode(addressBytes) };
};
