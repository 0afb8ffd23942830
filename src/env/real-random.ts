// Crypto-strength randomness for real nodes (ephemeral keys, session indexes, jitter).
import { randomBytes, randomInt } from 'node:crypto';
import type { Random } from './random.ts';

export const realRandom = (): Random => ({
  bytes: (n) => new Uint8Array(randomBytes(n)),
  // randomInt's range is limited to 2^48; larger ranges are not used by the protocol.
  int: (max) => (max <= 1 ? 0 : randomInt(0, Math.min(max, 2 ** 48 - 1))),
  float: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
});
