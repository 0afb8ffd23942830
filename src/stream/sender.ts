// The send path: what to put on the wire and when. New data goes out while the congestion window
// and the peer's window allow; a retransmission timeout resends from the oldest unacknowledged
// unit; three duplicate ACKs resend it at once; a shut peer window is probed.
import { Congestion } from './congestion.ts';
import { RttEstimator } from './rtt-estimator.ts';
import { SendBuffer } from './send-buffer.ts';
import { nextSend } from './send-policy.ts';
import type { SendStats, SenderHost } from './sender-host.ts';
import { SendTimers } from './send-timers.ts';
import { learnWindow, takeAck } from './ack-intake.ts';

export class Sender {
  readonly buf = new SendBuffer();
  readonly cc: Congestion;
  readonly rtt: RttEstimator;
  readonly stats: SendStats = { retransmits: 0, fastRetransmits: 0, timeouts: 0, probes: 0 };
  readonly timers: SendTimers;
  /** A sub-mss tail may go out: set by the push timer, cleared by write(). */
  private pushed = false;

  constructor(private readonly host: SenderHost) {
    this.cc = new Congestion(host.config.initialCwndSegments, host.mss());
    this.rtt = new RttEstimator(host.config);
    this.timers = new SendTimers(host.clock, {
      rto: () => this.onRto(),
      persist: () => this.onPersist(),
      push: () => ((this.pushed = true), this.transmit()),
    });
  }

  write(b: Uint8Array): void {
    this.buf.write(b);
    this.pushed = false;
  }

  /** Sends whatever the windows allow now, and arms the timers that follow. */
  transmit(): void {
    const mss = this.host.mss();
    for (;;) {
      const next = nextSend(this.buf, this.cc.allowance(mss), mss, this.pushed, this.host.mayPassSyn());
      if (next.kind === 'push') this.timers.push.ensure(this.host.clock.now());
      if (next.kind !== 'send') break;
      this.send(next.seq, next.maxData);
    }
    this.timers.arm(this.buf, this.rtt.rto, this.host.config.maxRtoMs);
  }

  /** Sends the body at `seq` (at most `maxData` bytes), moving `nxt` past it when at `nxt`. */
  private send(seq: number, maxData: number): void {
    const s = this.buf;
    const body = s.body(seq, maxData);
    if (seq < s.max) this.stats.retransmits++;
    this.host.emit(body, seq);
    if (seq === s.nxt) s.nxt += body.len;
    s.max = Math.max(s.max, seq + body.len);
    if (s.nxt > s.una) this.timers.rto.ensure(this.host.clock.now() + this.rtt.rto);
  }

  /** Resends one segment at `una`, within what was sent before. */
  resendFirst(): void {
    const s = this.buf;
    this.send(s.una, Math.min(this.host.mss(), Math.max(0, Math.min(s.max, s.dataEnd) - s.una)));
  }

  /** An ACK from the peer; returns the units it newly acknowledges (-1: it acks unsent data). */
  onAck(ack: number, window: number, echo: number, pure: boolean): number {
    return takeAck(this, this.host.clock.now(), this.host.mss(), { ack, window, echo, pure });
  }

  /** The peer's window from any segment; before our SYN is acknowledged it counts from unit 1. */
  learnWindow(ack: number, window: number): void {
    learnWindow(this.buf, ack, window);
  }

  /** The path changed (route repaired): a backed-off retransmission goes now, not when due. */
  kick(): void {
    const s = this.buf;
    this.timers.persistBackoffs = 0;
    if (s.nxt <= s.una || this.rtt.backoffs === 0) return;
    this.rtt.backoffs = 0;
    s.nxt = s.una;
    this.transmit();
    this.timers.rto.set(this.host.clock.now() + this.rtt.rto);
  }

  private onRto(): void {
    const s = this.buf;
    if (s.nxt <= s.una || !this.host.expired()) return;
    this.stats.timeouts++;
    this.cc.onTimeout(s.nxt - s.una, s.max, this.host.mss());
    this.rtt.backOff();
    // Go back: all past una counts as lost. The receiver keeps what it reassembled, so its
    // cumulative ACK jumps over whatever did arrive.
    s.nxt = s.una;
    this.transmit();
  }

  stop(): void {
    this.timers.stop();
  }

  private onPersist(): void {
    if (!this.host.expired()) return;
    this.stats.probes++;
    this.timers.persistBackoffs++;
    // One byte past the shut window: the peer drops it if still full and answers either way
    // with its window, so a lost window update cannot stall the stream.
    this.send(this.buf.nxt, 1);
    this.buf.nxt = this.buf.una;
    this.transmit();
  }
}
