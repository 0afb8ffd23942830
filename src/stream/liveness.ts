// When to give up on a peer: after maxRetries consecutive timer expiries (retransmission or
// window probe) with nothing heard in between, or giveUpMs of such silence, whichever is first.
// Anything heard from the peer, even an ACK that moves nothing, proves it alive.
import type { StreamConfig } from './stream-config.ts';

export class Liveness {
  private silent = 0;
  private since = 0;

  constructor(private readonly config: StreamConfig) {}

  heard(): void {
    this.silent = 0;
  }

  /** A timer expired unanswered at `now`; false means give up. */
  expired(now: number): boolean {
    if (this.silent++ === 0) this.since = now;
    return this.silent < this.config.maxRetries && now - this.since < this.config.giveUpMs;
  }
}
