// The receive half: in-order bytes wait in `readable` until the app reads them, out-of-order
// bytes in the reassembly buffer. Both together stay within `limit`, which is what the window
// advertises, so a peer that respects the window cannot make us hold more.
import { ChunkQueue } from './chunk-queue.ts';
import { Reassembly } from './reassembly.ts';
import { ACK_DECIMATE_AFTER, ACK_EVERY_DECIMATED } from './stream-config.ts';

/** What an arriving segment asks of the ACK policy. */
export type AckNeed = 'none' | 'delay' | 'now';

export class Receiver {
  /** Next unit expected (0 until the peer's SYN). */
  nxt = 0;
  /** Sequence number of the peer's FIN once seen, even out of order. */
  finSeq: number | null = null;
  finReceived = false;
  /** Latest peer timestamp to echo (RFC 7323: from segments at or left of the last ACK sent). */
  tsRecent = 0;
  private lastAckSent = 0;
  private advRight = 0;
  private inOrderSinceAck = 0;
  /** In-order data segments so far: past ACK_DECIMATE_AFTER, ACKs thin out (below). */
  private inOrderSegments = 0;
  private readonly readable = new ChunkQueue();
  private readonly ooo = new Reassembly();

  constructor(private readonly limit: number) {}

  get readableLength(): number {
    return this.readable.length;
  }

  /** Bytes held: unread plus out of order. Never above the limit. */
  get held(): number {
    return this.readable.length + this.ooo.bytes;
  }

  /** The peer's FIN has arrived in order and the app has read everything before it. */
  get ended(): boolean {
    return this.finReceived && this.readable.length === 0;
  }

  /** A segment's payload: `syn` and `fin` flags, data starting at `seq` (after a SYN, seq + 1). */
  accept(seq: number, ts: number, syn: boolean, data: Uint8Array, fin: boolean): AckNeed {
    // Only a newer ts counts, so a late network duplicate cannot inflate the next RTT sample.
    const newer = this.tsRecent === 0 || ((ts - this.tsRecent) >>> 0) < 0x8000_0000;
    if (ts !== 0 && seq <= this.lastAckSent && newer) this.tsRecent = ts;
    if (syn) {
      if (this.nxt === 0 && seq === 0) this.nxt = 1;
      return 'now';
    }
    if (this.nxt === 0) return 'none';
    if (fin && this.finSeq === null) this.finSeq = seq + data.length;
    let need: AckNeed = data.length > 0 || fin ? 'now' : 'none';
    const end = seq + data.length;
    if (data.length > 0 && end > this.nxt && !this.finReceived) {
      const start = Math.max(seq, this.nxt);
      const right = this.nxt + this.limit - this.readable.length;
      const cut = data.subarray(start - seq, Math.max(start - seq, Math.min(data.length, right - seq)));
      if (cut.length > 0 && start === this.nxt) {
        const hadGap = this.ooo.size > 0;
        this.readable.push(cut);
        this.nxt += cut.length;
        const { chunks, next } = this.ooo.takeFrom(this.nxt);
        for (const c of chunks) this.readable.push(c);
        this.nxt = next;
        // Filling a gap, or data cut at the window edge, is news the sender wants at once.
        if (hadGap || cut.length !== end - start) need = 'now';
        else {
          // ACK decimation, as Chromium's QUIC does: every second segment at first (so slow
          // start grows and a short transfer finishes promptly), every tenth once the stream is
          // busy: each ACK costs both ends a sealed packet and a system call, at 1,400 bytes a
          // segment the larger part of the receiver's work. Gaps and window edges still ACK at
          // once (above), and the delayed-ACK timer bounds the wait. At least four ACKs per
          // receive window, so large segments (64 KB on loopback) never wait for the timer.
          const every = ++this.inOrderSegments > ACK_DECIMATE_AFTER ? Math.max(2, Math.min(ACK_EVERY_DECIMATED, Math.floor(this.limit / (4 * cut.length)))) : 2;
          need = ++this.inOrderSinceAck >= every ? 'now' : 'delay';
        }
      } else if (cut.length > 0) {
        this.ooo.insert(start, cut);
      }
    }
    if (this.finSeq !== null && this.nxt === this.finSeq && !this.finReceived) {
      this.finReceived = true;
      this.nxt += 1;
      need = 'now';
    }
    return need;
  }

  /** The peer acknowledged our SYN, so it accepted the stream: its own SYN (unit 0) is implied. */
  peerAccepted(): void {
    if (this.nxt === 0) this.nxt = 1;
  }

  /** Takes up to `max` in-order bytes for the app. */
  read(max?: number): Uint8Array | null {
    return this.readable.shift(max);
  }

  /** The window to advertise now; records it as sent. Never moves the right edge back. */
  advertise(mss: number): { ack: number; window: number } {
    const candidate = this.nxt + this.limit - this.readable.length;
    // Receiver-side silly window avoidance (RFC 1122 4.2.3.3): open in steps of at least one mss.
    if (candidate - this.advRight >= Math.min(this.limit / 2, mss) || this.advRight === 0) this.advRight = candidate;
    this.lastAckSent = this.nxt;
    this.inOrderSinceAck = 0;
    return { ack: this.nxt, window: Math.max(0, this.advRight - this.nxt) };
  }

  /** After the app read: true when the window grew enough that the peer should hear now. */
  windowUpdateDue(mss: number): boolean {
    const candidate = this.nxt + this.limit - this.readable.length;
    const open = this.advRight - this.nxt;
    return open < this.limit / 2 && candidate - this.advRight >= Math.min(this.limit / 2, 2 * mss);
  }
}
