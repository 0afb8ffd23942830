// Seeded randomness (xoshiro128**). Streams are split by label from the parent's *seed*, not from
// its consumed state, so adding a node or a draw in one stream never perturbs another stream.
import { createHash } from 'node:crypto';
import type { Random } from '../src/env/random.ts';
import { SkywireError } from '../src/errors.ts';

const TWO_32 = 0x1_0000_0000;
const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

export class SeededRandom implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(readonly key: string) {
    // SHA-256 of the label path spreads even similar labels ("n1", "n10") over the whole state.
    const h = createHash('sha256').update(key).digest();
    this.s0 = h.readUInt32LE(0);
    this.s1 = h.readUInt32LE(4);
    this.s2 = h.readUInt32LE(8);
    this.s3 = h.readUInt32LE(12);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero is a fixed point
  }

  static root(seed: number | string): SeededRandom {
    return new SeededRandom(typeof seed === 'number' ? `#${seed}` : `$${seed}`);
  }

  /** An independent stream for `label`; the same parent seed and label always give the same stream. */
  split(label: string): SeededRandom {
    // Length prefix keeps ("a/b","c") and ("a","b/c") apart.
    return new SeededRandom(`${this.key}/${label.length}:${label}`);
  }

  /** Next 32 random bits as an unsigned integer. */
  uint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const x = this.uint32();
      out[i] = x & 0xff;
      out[i + 1] = (x >>> 8) & 0xff;
      out[i + 2] = (x >>> 16) & 0xff;
      out[i + 3] = x >>> 24;
    }
    if (i < n) {
      let x = this.uint32();
      for (; i < n; i++, x >>>= 8) out[i] = x & 0xff;
    }
    return out;
  }

  /** Uniform in [0, 1) with 32 bits of resolution: enough for probabilities and jitter. */
  float(): number {
    return this.uint32() / TWO_32;
  }

  /** Uniform integer in [0, max), unbiased (rejection sampling). */
  int(max: number): number {
    if (!Number.isSafeInteger(max) || max <= 0) throw new SkywireError('INTERNAL', `Random.int(max) needs a positive safe integer, got ${max}`);
    if (max <= TWO_32) {
      // Reject the top partial bucket so every residue is equally likely.
      const limit = TWO_32 - (TWO_32 % max);
      for (;;) {
        const x = this.uint32();
        if (x < limit) return x % max;
      }
    }
    // Above 2^32: scale a 53-bit float made from two draws.
    const hi = this.uint32() >>> 11;
    const lo = this.uint32();
    return Math.floor(((hi * TWO_32 + lo) / 2 ** 53) * max);
  }
}
