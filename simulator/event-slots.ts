// Numbered storage for pending events' callbacks and owners, reused through a free list. A
// slot's generation changes on every reuse, so a stale handle can never cancel a newer event.
export const SLOT_LIMIT = 2 ** 26;
const GEN_LIMIT = 2 ** 26;

export class EventSlots {
  // null once run or cancelled.
  readonly fns: ((() => void) | null)[] = [];
  readonly owners: (string | undefined)[] = [];
  private gens = new Uint32Array(1024);
  private readonly free: number[] = [];

  alloc(fn: () => void, owner: string | undefined): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.grow();
    this.fns[slot] = fn;
    this.owners[slot] = owner;
    return slot;
  }

  /** Handle for a slot's current occupant: slot number tagged with its generation. */
  handle(slot: number): number {
    return this.gens[slot]! * SLOT_LIMIT + slot;
  }

  /** The slot of a live handle, or -1 for a stale, cancelled or foreign one. */
  liveSlot(handle: number): number {
    if (!Number.isInteger(handle) || handle < 0) return -1;
    const slot = handle % SLOT_LIMIT;
    if (slot >= this.fns.length || this.gens[slot] !== (handle - slot) / SLOT_LIMIT) return -1;
    return this.fns[slot] === null ? -1 : slot;
  }

  /** Forgets the callback but keeps the slot busy (it is still in the heap). */
  clear(slot: number): void {
    this.fns[slot] = null;
    this.owners[slot] = undefined;
  }

  /** Returns the slot to the free list once it has left the heap. */
  release(slot: number): void {
    this.clear(slot);
    this.gens[slot] = (this.gens[slot]! + 1) % GEN_LIMIT;
    this.free.push(slot);
  }

  private grow(): number {
    const slot = this.fns.length;
    if (slot >= SLOT_LIMIT) throw new Error(`event queue full: more than ${SLOT_LIMIT} pending events`);
    if (slot >= this.gens.length) {
      const g = new Uint32Array(this.gens.length * 2);
      g.set(this.gens);
      this.gens = g;
    }
    this.fns.push(null);
    this.owners.push(undefined);
    return slot;
  }
}
