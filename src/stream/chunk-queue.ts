// The receive side's queue of in-order bytes: views into the datagrams they arrived in, handed to
// the reader as they are, so the kernel's copy into the datagram is the only one at the receiver
// (copying every 1,400-byte segment into a block was 13 % of a busy sink's CPU).
//
// A view keeps its whole datagram alive, so small pieces are copied instead: a peer sending
// one-byte segments within the window must not make us hold a datagram and an object per byte.
// A piece is copied when it is under MIN_VIEW bytes or under a quarter of the buffer behind it
// (a segment cut at the window edge out of a 64 KB loopback datagram); copies coalesce in
// blocks. So what the queue holds stays within a few times the bytes it counts.
const MIN_VIEW = 256;
const BLOCK = 4096;

export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  /** The block small pieces are appended to, while it is the last chunk and none of it was read. */
  private tail: Uint8Array | null = null;
  private tailStart = 0;
  private tailFill = 0;
  length = 0;

  push(b: Uint8Array): void {
    if (b.length === 0) return;
    this.length += b.length;
    if (b.length >= MIN_VIEW && b.length * 4 >= b.buffer.byteLength) {
      this.tail = null;
      this.chunks.push(b);
      return;
    }
    let at = 0;
    while (at < b.length) {
      if (!this.tail || this.tailFill === this.tail.length) {
        this.tail = new Uint8Array(Math.max(BLOCK, b.length - at));
        this.tailStart = this.tailFill = 0;
        this.chunks.push(this.tail.subarray(0, 0));
      }
      const n = Math.min(this.tail.length - this.tailFill, b.length - at);
      this.tail.set(b.subarray(at, at + n), this.tailFill);
      this.tailFill += n;
      at += n;
      this.chunks[this.chunks.length - 1] = this.tail.subarray(this.tailStart, this.tailFill);
    }
  }

  /** Removes and returns up to `max` bytes from the front: one piece as it arrived, or its
   *  first `max` bytes. The view is the reader's from now on. */
  shift(max = Infinity): Uint8Array | null {
    if (this.length === 0 || max <= 0) return null;
    const c = this.chunks[this.head]!;
    // The reader now holds (part of) the tail block: nothing more is written into it.
    if (this.head === this.chunks.length - 1) this.tail = null;
    if (c.length > max) {
      this.chunks[this.head] = c.subarray(max);
      this.length -= max;
      return c.subarray(0, max);
    }
    this.length -= c.length;
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    return c;
  }
}
