// Congestion window in bytes: slow start, congestion avoidance, and NewReno fast retransmit and
// recovery (RFC 5681, RFC 6582). The sender reports ACK events; this says what to resend.
import { ACK_EVERY_DECIMATED } from './stream-config.ts';

export class Congestion {
  cwnd: number;
  ssthresh = Infinity;
  dupAcks = 0;
  inRecovery = false;
  /** Highest sequence sent when recovery began; ACKs at or past it end recovery. */
  private recover = 0;
  /** Bytes acknowledged toward the next one-segment increase in congestion avoidance. */
  private acc = 0;

  constructor(initialSegments: number, mss: number) {
    this.cwnd = initialSegments * mss;
  }

  /** An ACK moved `una` forward by `acked`; true means a partial ACK: resend at `una`. */
  onNewAck(acked: number, una: number, flight: number, mss: number): boolean {
    this.dupAcks = 0;
    if (this.inRecovery) {
      if (una >= this.recover) {
        this.inRecovery = false;
        this.cwnd = Math.max(mss, Math.min(this.ssthresh, flight + mss));
        return false;
      }
      this.cwnd = Math.max(mss, this.cwnd - acked + (acked >= mss ? mss : 0));
      return true;
    }
    if (this.cwnd < this.ssthresh) {
      // Appropriate byte counting (RFC 3465) with L as large as one decimated ACK covers
      // (src/stream/receiver.ts), so thinner ACKs do not slow slow start down.
      this.cwnd += Math.min(acked, ACK_EVERY_DECIMATED * mss);
    } else {
      this.acc += acked;
      if (this.acc >= this.cwnd) {
        this.acc -= this.cwnd;
        this.cwnd += mss;
      }
    }
    return false;
  }

  /** Bytes that may be in flight: cwnd, plus up to two segments on the first duplicate ACKs
   *  (limited transmit, RFC 3042), so a small window still gathers three duplicates. */
  allowance(mss: number): number {
    return this.cwnd + (this.inRecovery ? 0 : Math.min(this.dupAcks, 2) * mss);
  }

  /** A duplicate ACK: 'retransmit' on the third (fast retransmit), 'send' while recovering. */
  onDupAck(una: number, sndMax: number, flight: number, mss: number): 'retransmit' | 'send' | 'none' {
    this.dupAcks++;
    if (this.inRecovery) {
      this.cwnd += mss;
      return 'send';
    }
    // una > recover: these duplicates are not echoes of a window already recovered (RFC 6582 3.2).
    if (this.dupAcks !== 3 || una <= this.recover) return 'none';
    this.ssthresh = Math.max(flight / 2, 2 * mss);
    this.recover = sndMax;
    this.cwnd = this.ssthresh + 3 * mss;
    this.inRecovery = true;
    return 'retransmit';
  }

  onTimeout(flight: number, sndMax: number, mss: number): void {
    this.ssthresh = Math.max(flight / 2, 2 * mss);
    this.cwnd = mss;
    this.inRecovery = false;
    this.dupAcks = 0;
    this.recover = sndMax;
    this.acc = 0;
  }
}
