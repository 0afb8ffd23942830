// Retransmission timeout per RFC 6298: smoothed RTT and variance from samples, bounded, and
// doubled per expiry until a new sample arrives. Samples come from echoed timestamps, so
// retransmitted segments give true samples (no Karn ambiguity).
export interface RtoBounds { initialRtoMs: number; minRtoMs: number; maxRtoMs: number }

/** Clock granularity G of RFC 6298, in ms. */
const GRANULARITY_MS = 1;

export class RttEstimator {
  srtt: number | null = null;
  rttvar = 0;
  backoffs = 0;
  samples = 0;

  constructor(private readonly bounds: RtoBounds) {}

  sample(r: number): void {
    if (this.srtt === null) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.samples++;
    this.backoffs = 0;
  }

  /** Current timeout in ms, backoff included. */
  get rto(): number {
    const b = this.bounds;
    const base = this.srtt === null ? b.initialRtoMs : this.srtt + Math.max(GRANULARITY_MS, 4 * this.rttvar);
    return Math.min(b.maxRtoMs, Math.max(b.minRtoMs, base) * 2 ** this.backoffs);
  }

  backOff(): void {
    if (this.rto < this.bounds.maxRtoMs) this.backoffs++;
  }
}
