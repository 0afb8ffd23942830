// The simulator's crypto suite: node:crypto, with signature checks remembered for the whole run.
// Hundreds of virtual nodes check the same flooded topology record each; a check always gives
// the same answer for the same (key, message, signature), so remembering it cannot change the
// trace, only the wall time. Never used outside the simulator: a real node checks every time.
import { createHash } from 'node:crypto';
import type { CryptoSuite } from '../src/identity/crypto-suite.ts';

export const memoSuite = (inner: CryptoSuite): CryptoSuite => {
  const verified = new Map<string, boolean>();
  return {
    ...inner,
    verify: (publicKey, message, signature) => {
      const key = createHash('sha256').update(publicKey).update(signature).update(message).digest('base64');
      let ok = verified.get(key);
      if (ok === undefined) {
        ok = inner.verify(publicKey, message, signature);
        verified.set(key, ok);
      }
      return ok;
    },
  };
};
