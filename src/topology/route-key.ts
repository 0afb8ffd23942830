// Each node has a second, X25519 key pair (the "route key") that sources use to seal per-hop
// setup data to it. It is derived from the identity seed rather than stored, so the key file
// stays the only secret on disk and a restarted node announces the same route key.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Identity } from '../identity/identity.ts';
import { hkdf } from '../link/kdf.ts';

export const ROUTE_KEY_LABEL = 'skywire route key v1';

export interface RouteKeyPair {
  readonly publicKey: Uint8Array;
  /** 32-byte X25519 secret scalar (the suite clamps it). */
  readonly secret: Uint8Array;
}

export const routeKeyPair = (suite: CryptoSuite, identity: Identity): RouteKeyPair => {
  // The seed is the first half of tweetnacl's 64-byte secret key. An empty salt is fine: the
  // seed is already uniformly random, HKDF is here for domain separation from the signing key.
  const secret = hkdf(identity.secretKey.subarray(0, 32), new Uint8Array(0), ROUTE_KEY_LABEL, 32);
  return { publicKey: suite.x25519Public(secret), secret };
};
