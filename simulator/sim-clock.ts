// A node's Clock in virtual time. Timers are events owned by the node's name, so a crash can
// drop them all at once (queue.cancelOwner); the wall-clock offset models a badly set RTC.
import type { Clock, TimerHandle } from '../src/env/clock.ts';
import type { EventId, EventQueue } from './event-queue.ts';

/** 2026-01-01T00:00:00Z: a fixed epoch so wallMs() never leaks the host's real time. */
export const SIM_EPOCH_MS = 1_767_225_600_000;

export class SimClock implements Clock {
  /** Added to wallMs() only: now() and timers stay on the shared timeline. */
  offsetMs = 0;

  constructor(
    private readonly queue: EventQueue,
    readonly owner: string,
  ) {}

  now(): number {
    return this.queue.now;
  }

  wallMs(): number {
    return SIM_EPOCH_MS + this.queue.now + this.offsetMs;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    // Round up so a timer never fires early; NaN and negatives mean "as soon as possible".
    const delay = ms > 0 ? Math.ceil(ms) : 0;
    return this.queue.schedule(this.queue.now + delay, fn, this.owner);
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.queue.cancel(handle as EventId);
  }
}
