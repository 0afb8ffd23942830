// A binary min-heap over an array. The comparator is fixed at construction so V8 can inline it
// on the hot path; the event queue pushes and pops millions of entries per run.
export type Compare<T> = (a: T, b: T) => number;

export class Heap<T> {
  private items: T[] = [];

  constructor(private readonly compare: Compare<T>) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    let i = a.length;
    a.push(item);
    // Sift up by moving parents down into the hole, then drop the item in once.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p]!;
      if (this.compare(item, parent) >= 0) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) this.siftDown(last, 0);
    return top;
  }

  /** Read-only view for scans (e.g. cancelling one owner's events); do not mutate. */
  view(): readonly T[] {
    return this.items;
  }

  /** Keeps only the items that pass, then restores heap order in O(n). */
  retain(keep: (item: T) => boolean): void {
    this.items = this.items.filter(keep);
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.siftDown(this.items[i]!, i);
  }

  clear(): void {
    this.items = [];
  }

  private siftDown(item: T, i: number): void {
    const a = this.items;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.compare(a[r]!, a[l]!) < 0) c = r;
      const child = a[c]!;
      if (this.compare(child, item) >= 0) break;
      a[i] = child;
      i = c;
    }
    a[i] = item;
  }
}
