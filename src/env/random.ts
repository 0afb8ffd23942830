// Injected randomness: crypto-strength on a real node, seeded and split in the simulator,
// so that ephemeral keys, session indexes and jitter replay byte for byte from a seed.
export interface Random {
  bytes(n: number): Uint8Array;
  /** Uniform integer in [0, max). */
  int(max: number): number;
  /** Uniform float in [0, 1). */
  float(): number;
}
