// One stream, sans-IO: segments in through receive(), segments out through the env, time only
// through the env's clock. The conversation routes segments to it by stream id; its lifecycle
// (stream-lifecycle.ts) says how it ends.
import { fail } from '../errors.ts';
import { Receiver } from './receiver.ts';
import { segmentLength, type Segment } from './segment.ts';
import { SegmentOut } from './segment-out.ts';
import { Sender } from './sender.ts';
import type { CoreEnv } from './stream-events.ts';
import { StreamLifecycle } from './stream-lifecycle.ts';
import { notify, snapshot } from './stream-notify.ts';
import { Flag } from './stream-wire.ts';

export type { StreamState } from './stream-lifecycle.ts';
export type StreamRole = 'dialer' | 'listener';

export class StreamCore extends StreamLifecycle {
  segmentsIn = 0;
  readonly sender: Sender;
  readonly rcv: Receiver;
  readonly out: SegmentOut;

  constructor(readonly id: number, readonly role: StreamRole, readonly port: number, private readonly env: CoreEnv) {
    super(role === 'dialer' ? 'connecting' : 'open', env.clock, env.config, {
      halt: () => (this.sender.stop(), this.out.stop()),
      rst: () => this.out.rst(),
      leave: () => env.done(),
    });
    this.rcv = new Receiver(env.config.receiveBufferBytes);
    this.out = new SegmentOut(id, port, env, this.rcv, () => this.sender.buf.nxt);
    this.sender = new Sender({
      clock: env.clock,
      config: env.config,
      mss: () => env.mss(),
      emit: (body, seq) => this.out.emit(body, seq),
      expired: () => this.stillTrying(),
      mayPassSyn: () => role === 'listener',
    });
  }

  /** Dialer: sends the SYN. */
  open(): void {
    this.sender.transmit();
  }

  /** The send buffer is below its limit. */
  get writable(): boolean {
    return this.sender.buf.buffered < this.env.config.sendBufferBytes;
  }

  get finAcked(): boolean {
    return this.sender.buf.finAcked;
  }

  /** The peer's FIN is in and every byte before it was read. */
  get readEnded(): boolean {
    return this.rcv.ended;
  }

  get readableLength(): number {
    return this.rcv.readableLength;
  }

  /** Queues bytes (copied); returns whether the send buffer still has room. */
  write(b: Uint8Array): boolean {
    if (!this.active) return false;
    if (this.sender.buf.finQueued) fail('INTERNAL', `stream ${this.id}: write after end`);
    this.sender.write(b);
    this.sender.transmit();
    return this.writable;
  }

  /** Half-close: FIN after the buffered data; reading goes on. */
  end(): void {
    if (!this.active || this.sender.buf.finQueued) return;
    this.sender.buf.finQueued = true;
    this.sender.transmit();
  }

  /** Up to `max` in-order bytes, or null; reading reopens the window the peer sees. */
  read(max?: number): Uint8Array | null {
    const b = this.rcv.read(max);
    if (b && this.active && this.rcv.windowUpdateDue(this.env.mss())) this.out.ack();
    return b;
  }

  receive(seg: Segment): void {
    if (this.state === 'failed') return;
    // Closed: a retransmitted FIN means our last ACK was lost, so say it again.
    if (this.state === 'closed') return void (!(seg.flags & Flag.RST) && segmentLength(seg) > 0 && this.out.ack());
    this.segmentsIn++;
    this.heard();
    if (seg.flags & Flag.RST) return this.fail(this.state === 'connecting' ? 'refused' : 'reset');
    const was = snapshot(this);
    if (!(seg.flags & Flag.ACK)) this.sender.learnWindow(0, seg.window);
    else {
      this.sender.onAck(seg.ack, seg.window, seg.echo, segmentLength(seg) === 0);
      if (this.sender.buf.una > 0) {
        this.rcv.peerAccepted();
        if (this.state === 'connecting') this.state = 'open';
      }
    }
    if (this.state === 'connecting') return;
    const f = seg.flags;
    const need = this.rcv.accept(seg.seq, seg.ts, (f & Flag.SYN) !== 0, seg.data, (f & Flag.FIN) !== 0);
    this.out.owe(need);
    this.sender.transmit();
    this.out.settle(need, this.env.config.delayedAckMs);
    if (this.finAcked && this.rcv.finReceived) this.close();
    notify(this, was);
  }

  /** The path underneath changed: retry now rather than when a backed-off timer says. */
  pathChanged(): void {
    if (this.active) this.sender.kick();
  }
}
