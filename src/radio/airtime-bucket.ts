// A token bucket measured in milliseconds of airtime. It refills at `share` ms per ms of clock
// (0.02 for the control budget, the duty cycle for the transmitter) up to `capacityMs`; the
// capacity is at least one largest frame, or at 5 bit/s nothing would ever be allowed.
export class AirtimeBucket {
  private tokens: number;
  private at: number;

  constructor(private readonly share: number, private readonly capacityMs: number, now: number) {
    this.tokens = capacityMs;
    this.at = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacityMs, this.tokens + (now - this.at) * this.share);
    this.at = now;
  }

  /** Milliseconds until `costMs` may be spent (0 = now). */
  waitMs(costMs: number, now: number): number {
    if (this.share >= 1) return 0;
    this.refill(now);
    const need = Math.min(costMs, this.capacityMs) - this.tokens;
    return need <= 0 ? 0 : Math.ceil(need / this.share);
  }

  spend(costMs: number, now: number): void {
    if (this.share >= 1) return;
    this.refill(now);
    this.tokens -= costMs;
  }
}
