// Sliding replay window (RFC 6479 style) over packet counters. A counter is accepted once, if it
// is newer than the highest seen or within WINDOW of it and not seen before. Only packets whose
// tag verified may call `commit`, so forged packets cannot advance the window.
export const REPLAY_WINDOW = 4096;
const WORDS = REPLAY_WINDOW / 32;

export class ReplayWindow {
  private readonly bits = new Uint32Array(WORDS);
  private highest = -1;

  /** True if the counter would be accepted (does not record it). */
  check(counter: number): boolean {
    if (counter > this.highest) return true;
    if (this.highest - counter >= REPLAY_WINDOW - 32) return false;
    const i = counter % REPLAY_WINDOW;
    return (this.bits[(i >>> 5) % WORDS]! & (1 << (i & 31))) === 0;
  }

  /** Records the counter; returns false (and records nothing) for a replay. */
  commit(counter: number): boolean {
    if (!this.check(counter)) return false;
    if (counter > this.highest) {
      // Words the window slides over hold bits from a lap ago: clear them before reuse.
      const cur = Math.floor(this.highest / 32);
      const next = Math.floor(counter / 32);
      const n = Math.min(next - cur, WORDS);
      for (let w = 1; w <= n; w++) this.bits[(cur + w) % WORDS] = 0;
      this.highest = counter;
    }
    const i = counter % REPLAY_WINDOW;
    this.bits[(i >>> 5) % WORDS]! |= 1 << (i & 31);
    return true;
  }

  get max(): number {
    return this.highest;
  }
}
