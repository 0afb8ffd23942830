// Out-of-order data waiting for a gap to fill: sorted, non-overlapping ranges. Overlaps (from
// duplicates, or re-segmentation after an mtu change) are trimmed on insert, so memory is at
// most the receive window even when the network duplicates.
interface Part { seq: number; data: Uint8Array }

export class Reassembly {
  private readonly parts: Part[] = [];
  bytes = 0;

  get size(): number {
    return this.parts.length;
  }

  insert(seq: number, data: Uint8Array): void {
    let s = seq;
    let d = data;
    let i = 0;
    while (i < this.parts.length && this.parts[i]!.seq + this.parts[i]!.data.length <= s) i++;
    while (d.length > 0) {
      const p = this.parts[i];
      if (!p || p.seq >= s + d.length) {
        this.add(i, s, d);
        return;
      }
      if (p.seq > s) {
        const n = p.seq - s;
        this.add(i++, s, d.subarray(0, n));
        d = d.subarray(n);
        s += n;
      }
      // Now s >= p.seq: skip what p already holds.
      const skip = p.seq + p.data.length - s;
      if (skip >= d.length) return;
      d = d.subarray(skip);
      s += skip;
      i++;
    }
  }

  /** Removes every range that starts at or before `from`; returns the bytes that extend it. */
  takeFrom(from: number): { chunks: Uint8Array[]; next: number } {
    const chunks: Uint8Array[] = [];
    let next = from;
    while (this.parts.length > 0 && this.parts[0]!.seq <= next) {
      const p = this.parts.shift()!;
      this.bytes -= p.data.length;
      const end = p.seq + p.data.length;
      if (end > next) {
        chunks.push(p.data.subarray(next - p.seq));
        next = end;
      }
    }
    return { chunks, next };
  }

  private add(i: number, seq: number, data: Uint8Array): void {
    this.parts.splice(i, 0, { seq, data });
    this.bytes += data.length;
  }
}
