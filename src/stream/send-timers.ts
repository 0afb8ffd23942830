// The send side's three timers: retransmission (RFC 6298), zero-window persist (backing off
// like the RTO), and push (zero delay, so a burst of small writes fills whole segments before a
// short tail goes out).
import type { Clock } from '../env/clock.ts';
import { Deadline } from './deadline.ts';
import type { SendBuffer } from './send-buffer.ts';

export interface SendTimerHandlers { rto(): void; persist(): void; push(): void }

export class SendTimers {
  readonly rto: Deadline;
  readonly persist: Deadline;
  readonly push: Deadline;
  persistBackoffs = 0;

  constructor(private readonly clock: Clock, on: SendTimerHandlers) {
    this.rto = new Deadline(clock, on.rto);
    this.persist = new Deadline(clock, on.persist);
    this.push = new Deadline(clock, on.push);
  }

  /** RTO while data is in flight; otherwise persist while data waits on a shut peer window. */
  arm(s: SendBuffer, rtoMs: number, maxRtoMs: number): void {
    const now = this.clock.now();
    if (s.nxt > s.una) {
      this.rto.ensure(now + rtoMs);
      return this.persist.clear();
    }
    this.rto.clear();
    if (s.una > 0 && s.nxt < s.dataEnd && s.wndRight <= s.nxt) {
      return this.persist.ensure(now + Math.min(maxRtoMs, rtoMs * 2 ** this.persistBackoffs));
    }
    this.persist.clear();
    this.persistBackoffs = 0;
  }

  stop(): void {
    this.rto.clear();
    this.persist.clear();
    this.push.clear();
  }
}
