// A FIFO of bytes in fixed blocks: appends copy (the caller may reuse its buffer), any range can
// be read in O(1) by offset (retransmissions), and the front is dropped as it is acknowledged.
const BLOCK = 16 * 1024;

export class ByteQueue {
  private readonly blocks: Uint8Array[] = [];
  /** Offset of the first live byte in blocks[0]; every block but the last is full. */
  private head = 0;
  private fill = BLOCK;
  length = 0;

  push(b: Uint8Array): void {
    let at = 0;
    while (at < b.length) {
      if (this.fill === BLOCK) {
        this.blocks.push(new Uint8Array(BLOCK));
        this.fill = 0;
      }
      const n = Math.min(BLOCK - this.fill, b.length - at);
      this.blocks[this.blocks.length - 1]!.set(b.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
    }
    this.length += b.length;
  }

  /** `len` bytes starting `offset` bytes from the front (clamped to what is held): a view into
   *  the queue when they sit in one block (valid until they are dropped; a segment is encoded
   *  from it at once), else a copy. */
  peek(offset: number, len: number): Uint8Array {
    const n = Math.max(0, Math.min(len, this.length - offset));
    if (n === 0) return new Uint8Array(0);
    const first = this.head + offset;
    const bi = Math.floor(first / BLOCK);
    const bo = first % BLOCK;
    // The common case (a segment inside one block) needs no gathering.
    if (bo + n <= BLOCK) return this.blocks[bi]!.subarray(bo, bo + n);
    const out = new Uint8Array(n);
    for (let got = 0, i = bi, o = bo; got < n; i++, o = 0) {
      const part = this.blocks[i]!.subarray(o, Math.min(BLOCK, o + n - got));
      out.set(part, got);
      got += part.length;
    }
    return out;
  }

  /** Removes and returns up to `max` bytes from the front, never crossing a block (no copy). */
  shift(max = Infinity): Uint8Array | null {
    if (this.length === 0 || max <= 0) return null;
    const end = this.blocks.length === 1 ? this.fill : BLOCK;
    const n = Math.min(max, end - this.head);
    const out = this.blocks[0]!.subarray(this.head, this.head + n);
    this.drop(n);
    return out;
  }

  /** Discards `n` bytes from the front. */
  drop(n: number): void {
    const k = Math.min(n, this.length);
    this.length -= k;
    this.head += k;
    while (this.blocks.length > 0 && (this.head >= BLOCK || (this.blocks.length === 1 && this.head >= this.fill))) {
      this.head -= this.blocks.length === 1 ? this.fill : BLOCK;
      this.blocks.shift();
      if (this.blocks.length === 0) this.fill = BLOCK;
    }
    if (this.blocks.length === 0) this.head = 0;
  }
}
