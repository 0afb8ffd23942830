// A binary min-heap of slot numbers keyed by (time, sequence), all in typed arrays. This is the
// event queue's hot path; heap.ts is the general version for everything else.
export class SlotHeap {
  private slots = new Int32Array(1024);
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  size = 0;

  topTime(): number {
    return this.times[0]!;
  }

  push(slot: number, time: number, seq: number): void {
    if (this.size === this.slots.length) this.grow();
    const { slots, times, seqs } = this;
    let i = this.size++;
    // Move parents down into the hole, then place the entry once.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && seqs[p]! < seq)) break;
      slots[i] = slots[p]!;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      i = p;
    }
    slots[i] = slot;
    times[i] = time;
    seqs[i] = seq;
  }

  /** Removes and returns the top slot; the caller checks size first. */
  pop(): number {
    const top = this.slots[0]!;
    const n = --this.size;
    if (n > 0) this.siftDown(0, this.slots[n]!, this.times[n]!, this.seqs[n]!);
    return top;
  }

  forEach(fn: (slot: number) => void): void {
    for (let i = 0; i < this.size; i++) fn(this.slots[i]!);
  }

  /** Keeps the slots that pass, then restores heap order in O(n). */
  retain(keep: (slot: number) => boolean): void {
    const { slots, times, seqs } = this;
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (!keep(slots[i]!)) continue;
      slots[n] = slots[i]!;
      times[n] = times[i]!;
      seqs[n] = seqs[i]!;
      n++;
    }
    this.size = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i, slots[i]!, times[i]!, seqs[i]!);
  }

  private siftDown(i: number, slot: number, time: number, seq: number): void {
    const { slots, times, seqs } = this;
    const n = this.size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (times[r]! < times[c]! || (times[r] === times[c] && seqs[r]! < seqs[c]!))) c = r;
      const ct = times[c]!;
      if (ct > time || (ct === time && seqs[c]! > seq)) break;
      slots[i] = slots[c]!;
      times[i] = ct;
      seqs[i] = seqs[c]!;
      i = c;
    }
    slots[i] = slot;
    times[i] = time;
    seqs[i] = seq;
  }

  private grow(): void {
    const n = this.slots.length * 2;
    const s = new Int32Array(n), t = new Float64Array(n), q = new Float64Array(n);
    s.set(this.slots);
    t.set(this.times);
    q.set(this.seqs);
    this.slots = s;
    this.times = t;
    this.seqs = q;
  }
}
