// A byte rate limit that may go into debt: a message is sent whenever the balance is not
// negative, whatever its size, and the balance then refills at `bytesPerSec`. So a message
// larger than any sensible burst still goes out, and over any window of T seconds at most
// bytesPerSec·T + burstBytes + one message leave.
export class ByteBudget {
  private balance: number;
  private at: number;

  constructor(readonly bytesPerSec: number, readonly burstBytes: number, now: number) {
    this.balance = burstBytes;
    this.at = now;
  }

  private refill(now: number): void {
    this.balance = Math.min(this.burstBytes, this.balance + ((now - this.at) * this.bytesPerSec) / 1000);
    this.at = now;
  }

  ready(now: number): boolean {
    this.refill(now);
    return this.balance >= 0;
  }

  spend(now: number, bytes: number): void {
    this.refill(now);
    this.balance -= bytes;
  }

  /** Milliseconds until ready() turns true; 0 if it is. */
  waitMs(now: number): number {
    this.refill(now);
    return this.balance >= 0 ? 0 : Math.max(1, Math.ceil((-this.balance * 1000) / this.bytesPerSec));
  }
}
