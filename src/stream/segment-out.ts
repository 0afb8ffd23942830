// Builds outgoing segments for one stream: every one carries the receive side's cumulative ACK,
// window and timestamp echo, so any segment settles an owed ACK. A lone in-order segment's ACK
// waits up to delayedAckMs for company (RFC 1122 delayed ACKs).
import type { Clock } from '../env/clock.ts';
import { Deadline } from './deadline.ts';
import type { AckNeed, Receiver } from './receiver.ts';
import type { Segment } from './segment.ts';
import type { Body } from './send-buffer.ts';
import { Flag } from './stream-wire.ts';
import { tsOf } from './timestamp.ts';

export interface OutEnv {
  readonly clock: Clock;
  mss(): number;
  output(seg: Segment): void;
}

export class SegmentOut {
  count = 0;
  private owed = false;
  private readonly ackTimer: Deadline;

  constructor(
    private readonly id: number,
    private readonly port: number,
    private readonly env: OutEnv,
    private readonly rcv: Receiver,
    /** Sequence number for a pure ACK or RST: the sender's next unit. */
    private readonly nxt: () => number,
  ) {
    this.ackTimer = new Deadline(env.clock, () => this.ack());
  }

  emit(body: Body, seq: number): void {
    const ackOn = this.rcv.nxt > 0;
    const { ack, window } = this.rcv.advertise(this.env.mss());
    const flags = (ackOn ? Flag.ACK : 0) | (body.syn ? Flag.SYN : 0) | (body.fin ? Flag.FIN : 0);
    const ts = tsOf(this.env.clock.now());
    this.env.output({ id: this.id, flags, seq, ack: ackOn ? ack : 0, window, ts, echo: this.rcv.tsRecent, port: this.port, data: body.data });
    this.count++;
    this.owed = false;
    this.ackTimer.clear();
  }

  /** A pure ACK (nothing before the peer's SYN is known). */
  ack(): void {
    if (this.rcv.nxt > 0) this.emit({ syn: false, fin: false, data: new Uint8Array(0), len: 0 }, this.nxt());
  }

  /** What an arriving segment asked for, before the sender had its chance to piggyback. */
  owe(need: AckNeed): void {
    if (need !== 'none') this.owed = true;
  }

  /** After the sender ran: send an ACK still owed now, or arm the delayed ACK. */
  settle(need: AckNeed, delayMs: number): void {
    if (!this.owed) return;
    if (need === 'now') this.ack();
    else this.ackTimer.ensure(this.env.clock.now() + delayMs);
  }

  rst(): void {
    const ts = tsOf(this.env.clock.now());
    this.env.output({ id: this.id, flags: Flag.RST, seq: this.nxt(), ack: 0, window: 0, ts, echo: 0, port: 0, data: new Uint8Array(0) });
    this.count++;
  }

  stop(): void {
    this.ackTimer.clear();
    this.owed = false;
  }
}
