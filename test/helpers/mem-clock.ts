// A manual Clock for tests: time moves only when the test calls advance(), and timers fire in
// time order (ties in the order they were set). Timers set while advancing fire in the same
// advance() if they fall due before its end, so a whole protocol exchange runs in one call.
import type { Clock, TimerHandle } from '../../src/env/clock.ts';

interface Timer { id: number; at: number; fn: () => void }

export const MEM_WALL_ORIGIN = 1_700_000_000_000;

export class MemClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();
  /** Timers fired so far, over the clock's life. */
  fired = 0;

  constructor(private readonly wallOrigin = MEM_WALL_ORIGIN) {}

  now(): number {
    return this.t;
  }

  wallMs(): number {
    return this.wallOrigin + this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { id, at: this.t + Math.max(0, Math.floor(ms)), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Timers still armed. */
  get pending(): number {
    return this.timers.size;
  }

  /** Runs every timer due within `ms`, then sets the time to now + ms. Bounded by maxFires. */
  advance(ms: number, maxFires = 1_000_000): number {
    const end = this.t + Math.max(0, ms);
    let n = 0;
    for (;;) {
      let next: Timer | undefined;
      for (const tm of this.timers.values()) {
        if (tm.at <= end && (!next || tm.at < next.at || (tm.at === next.at && tm.id < next.id))) next = tm;
      }
      if (!next) break;
      if (++n > maxFires) throw new Error(`MemClock.advance: more than ${maxFires} timers fired in ${ms} ms`);
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      this.fired++;
      next.fn();
    }
    this.t = end;
    return n;
  }

  /** Advances in steps of `step` ms until `done()` or `limitMs` elapsed; returns the elapsed ms or -1. */
  advanceUntil(done: () => boolean, limitMs: number, step = 10): number {
    const start = this.t;
    while (!done()) {
      if (this.t - start >= limitMs) return -1;
      this.advance(step);
    }
    return this.t - start;
  }
}
