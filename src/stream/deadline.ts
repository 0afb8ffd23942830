// One timer on the injected Clock that can be moved cheaply: moving it later (every ACK moves
// the retransmission deadline) does not touch the clock; the armed timer re-arms when it fires.
import type { Clock, TimerHandle } from '../env/clock.ts';

export class Deadline {
  private at: number | null = null;
  private handle: TimerHandle | undefined;
  private armedFor = Infinity;

  constructor(private readonly clock: Clock, private readonly fire: () => void) {}

  get armed(): boolean {
    return this.at !== null;
  }

  /** Fires at `at` (clock ms), replacing any earlier setting. */
  set(at: number): void {
    this.at = at;
    if (this.armedFor <= at) return;
    this.cancelTimer();
    this.arm(at);
  }

  /** Sets the deadline only if none is set. */
  ensure(at: number): void {
    if (this.at === null) this.set(at);
  }

  clear(): void {
    this.at = null;
    this.cancelTimer();
  }

  private arm(at: number): void {
    this.armedFor = at;
    this.handle = this.clock.setTimeout(() => this.onTimer(), Math.max(0, at - this.clock.now()));
  }

  private cancelTimer(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.armedFor = Infinity;
  }

  private onTimer(): void {
    this.handle = undefined;
    this.armedFor = Infinity;
    if (this.at === null) return;
    if (this.clock.now() < this.at) return this.arm(this.at);
    this.at = null;
    this.fire();
  }
}
