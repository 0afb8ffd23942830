// The simulator's single timeline: every timer, packet delivery and fault is an event here,
// ordered by (integer virtual ms, sequence number) so ties break by scheduling order and never
// by call stacks or object identity.
//
// Layout is struct-of-arrays: callbacks live in numbered slots and the heap holds slot numbers
// with their (time, sequence) keys in typed arrays, so ~10M-event runs allocate nothing per
// event beyond the callback itself.
import { EventSlots } from './event-slots.ts';
import { SlotHeap } from './slot-heap.ts';

/** Opaque handle for cancel(). */
export type EventId = number;

// Cancelled entries are compacted away once they outnumber live ones, so a run that cancels
// most of its timers (keepalives re-armed on every packet) keeps a small heap.
const COMPACT_MIN = 4096;

export class EventQueue {
  private readonly heap = new SlotHeap();
  private readonly slots = new EventSlots();
  private t = 0;
  private seq = 0;
  private live = 0;
  private dead = 0;
  /** Events run so far. */
  processed = 0;

  /** Current virtual time, integer ms. */
  get now(): number {
    return this.t;
  }

  /** Live (not cancelled, not yet run) events. */
  get pending(): number {
    return this.live;
  }

  /** Runs fn at virtual time `at` (clamped to now, rounded up to an integer ms). */
  schedule(at: number, fn: () => void, owner?: string): EventId {
    // `at > now` is false for NaN too, which then lands on now instead of poisoning the heap.
    const when = at > this.t ? Math.ceil(at) : this.t;
    const slot = this.slots.alloc(fn, owner);
    this.heap.push(slot, when, this.seq++);
    this.live++;
    return this.slots.handle(slot);
  }

  /** Cancels one event; a no-op for an event already run or cancelled, or a foreign handle. */
  cancel(id: EventId | undefined): void {
    if (typeof id !== 'number') return;
    const slot = this.slots.liveSlot(id);
    if (slot < 0) return;
    this.kill(slot);
    this.maybeCompact();
  }

  /** Drops every pending event of one owner (a crashed node): returns how many. */
  cancelOwner(owner: string): number {
    let n = 0;
    const { fns, owners } = this.slots;
    this.heap.forEach((slot) => {
      if (owners[slot] === owner && fns[slot] !== null) {
        this.kill(slot);
        n++;
      }
    });
    this.maybeCompact();
    return n;
  }

  /** Runs the next live event; false when none is left. */
  step(): boolean {
    while (this.heap.size > 0) if (this.popOne()) return true;
    return false;
  }

  /** Runs the next live event due at or before t; false when there is none (now is unchanged). */
  stepUntil(t: number): boolean {
    while (this.heap.size > 0 && this.heap.topTime() <= t) if (this.popOne()) return true;
    return false;
  }

  /** Runs every event due at or before t (including ones scheduled meanwhile), then now = t. */
  runUntil(t: number): void {
    while (this.heap.size > 0 && this.heap.topTime() <= t) this.popOne();
    if (t > this.t) this.t = Math.floor(t);
  }

  /** Time of the next heap entry (possibly a cancelled one), or undefined when empty. */
  peekTime(): number | undefined {
    return this.heap.size > 0 ? this.heap.topTime() : undefined;
  }

  /** Pops the top entry and runs it unless cancelled; true when it ran. */
  private popOne(): boolean {
    const at = this.heap.topTime();
    const slot = this.heap.pop();
    const fn = this.slots.fns[slot] ?? null;
    this.slots.release(slot);
    if (fn === null) {
      this.dead--;
      return false;
    }
    this.live--;
    if (at > this.t) this.t = at;
    this.processed++;
    fn();
    return true;
  }

  private kill(slot: number): void {
    this.slots.clear(slot);
    this.live--;
    this.dead++;
  }

  private maybeCompact(): void {
    if (this.dead < COMPACT_MIN || this.dead < this.live) return;
    this.heap.retain((slot) => {
      if (this.slots.fns[slot] !== null) return true;
      this.slots.release(slot);
      return false;
    });
    this.dead = 0;
  }
}
