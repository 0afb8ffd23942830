// The watch's timeline: a cursor over the trace events received so far, moved by wall time at a
// chosen speed, paused, stepped one event, or run to the next fault. The run itself never waits
// for the player (it runs in its own process); the player only chooses what to show.
import type { TraceEvent } from '../../src/env/trace.ts';
import { SimModel } from './sim-model.ts';

/** Virtual milliseconds per wall millisecond. */
export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 100, 1000] as const;

export class SimPlayer {
  readonly events: TraceEvent[] = [];
  /** Fault times among all events received, for the timeline's markers ahead of the cursor. */
  readonly faultTimes: number[] = [];
  model = new SimModel();
  index = 0;
  vt = 0;
  paused: boolean;
  speedIdx = 5;
  /** Set when the source has sent everything (the run ended or the file was read). */
  done = false;
  hash: string | null = null;
  /** Where a live run's worker is: 'starting' until it has loaded the scenario, 'failed' with
   * `failure` when it ended without a summary (shown on the screen, not only after quitting). */
  source: 'starting' | 'running' | 'failed' = 'running';
  failure = '';

  constructor(public duration: number, paused = false) { this.paused = paused; }

  get speed(): number { return SPEEDS[this.speedIdx]!; }
  faster(): void { this.speedIdx = Math.min(SPEEDS.length - 1, this.speedIdx + 1); }
  slower(): void { this.speedIdx = Math.max(0, this.speedIdx - 1); }

  push(es: TraceEvent[]): void {
    for (const e of es) {
      this.events.push(e);
      if (e.ev === 'fault') this.faultTimes.push(e.t);
    }
  }

  /** Moves the cursor by `wallMs` of play; returns how many events were applied. */
  advance(wallMs: number): number {
    if (this.paused) return 0;
    this.vt = Math.min(this.duration, this.vt + wallMs * this.speed);
    const before = this.index;
    while (this.index < this.events.length && this.events[this.index]!.t <= this.vt) this.model.apply(this.events[this.index++]!);
    // Do not let the cursor run ahead of the events received so far.
    if (this.index === this.events.length && !this.done) this.vt = Math.min(this.vt, this.model.t);
    return this.index - before;
  }

  /** One event forward (pauses first): what `n` does. */
  step(): TraceEvent | undefined {
    this.paused = true;
    const e = this.events[this.index];
    if (!e) return undefined;
    this.model.apply(e);
    this.index++;
    this.vt = e.t;
    return e;
  }

  /** Runs to and including the next fault event, paused there. */
  nextFault(): void {
    for (let e = this.step(); e && e.ev !== 'fault'; e = this.step());
  }

  /** Back to the start (the model is rebuilt from events, which is cheap). */
  restart(): void {
    this.model = new SimModel();
    this.index = 0;
    this.vt = 0;
  }

  atEnd(): boolean { return this.done && this.index === this.events.length; }
}
