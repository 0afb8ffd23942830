// The send half's sequence space. Unit 0 is the SYN, units 1..n the written bytes, unit n+1 the
// FIN once end() was called. Bytes stay buffered until acknowledged, so any range can be resent,
// cut to whatever the mtu is now.
import { ByteQueue } from './byte-queue.ts';

export interface Body { syn: boolean; fin: boolean; data: Uint8Array; len: number }

export class SendBuffer {
  /** Oldest unacknowledged unit. */
  una = 0;
  /** Next unit to send (moves back to `una` on a retransmission timeout). */
  nxt = 0;
  /** Highest unit ever sent + 1: ACKs beyond it are bogus. */
  max = 0;
  /** Peer's advertised right edge: units below it fit its receive window. */
  wndRight = 0;
  finQueued = false;
  private readonly bytes = new ByteQueue();
  /** Sequence number of the first buffered byte. */
  private base = 1;

  /** Bytes written and not yet acknowledged. */
  get buffered(): number {
    return this.bytes.length;
  }

  get dataEnd(): number {
    return this.base + this.bytes.length;
  }

  /** One past the last unit to send. */
  get end(): number {
    return this.dataEnd + (this.finQueued ? 1 : 0);
  }

  get finAcked(): boolean {
    return this.finQueued && this.una >= this.end;
  }

  write(b: Uint8Array): void {
    this.bytes.push(b);
  }

  /** The segment body starting at `from`, with at most `maxData` data bytes. */
  body(from: number, maxData: number): Body {
    if (from === 0) return { syn: true, fin: false, data: new Uint8Array(0), len: 1 };
    const n = Math.max(0, Math.min(maxData, this.dataEnd - from));
    const data = this.bytes.peek(from - this.base, n);
    // FIN rides on the segment that carries the last byte; it needs no window space.
    const fin = this.finQueued && from + n === this.dataEnd;
    return { syn: false, fin, data, len: n + (fin ? 1 : 0) };
  }

  /** Accepts a cumulative ACK; returns the units it newly acknowledges. */
  ack(a: number): number {
    if (a <= this.una) return 0;
    const acked = a - this.una;
    const dropTo = Math.min(a, this.dataEnd);
    if (dropTo > this.base) {
      this.bytes.drop(dropTo - this.base);
      this.base = dropTo;
    }
    this.una = a;
    if (this.nxt < a) this.nxt = a;
    return acked;
  }
}
