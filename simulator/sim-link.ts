// One direction of a simulated link: its parameters, whether it is cut, and the transmit queue
// that turns bandwidth into serialisation delay and tail drops.
import type { LinkParams } from './link-params.ts';

export class SimLink {
  cut = false;
  // Fractional ms, so back-to-back packets add up to the exact rate; rounded only at delivery.
  private busyUntil = 0;
  private readonly finishes: number[] = [];
  private readonly sizes: number[] = [];
  private head = 0;
  private queued = 0;

  constructor(public params: LinkParams) {}

  /** Bytes accepted but not yet fully serialised onto the wire. */
  backlog(now: number): number {
    this.drain(now);
    return this.queued;
  }

  /**
   * Puts a datagram in the transmit queue: returns the (fractional) time its last bit leaves,
   * or undefined when the queue is full (tail drop).
   */
  admit(now: number, bytes: number): number | undefined {
    const bps = this.params.bandwidthBps;
    if (bps === undefined) return now;
    this.drain(now);
    if (this.queued + bytes > this.params.queueBytes) return undefined;
    const done = Math.max(now, this.busyUntil) + (bytes * 8 * 1000) / bps;
    this.busyUntil = done;
    this.finishes.push(done);
    this.sizes.push(bytes);
    this.queued += bytes;
    return done;
  }

  private drain(now: number): void {
    const f = this.finishes;
    while (this.head < f.length && f[this.head]! <= now) this.queued -= this.sizes[this.head++]!;
    if (this.head === f.length) {
      f.length = 0;
      this.sizes.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > f.length) {
      f.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
  }
}
